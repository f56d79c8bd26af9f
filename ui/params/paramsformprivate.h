#pragma once

// Internal to cv_ui_params: the form's state and widgets, shared by paramsform.cpp (the frame,
// server, kind, preset, buttons, messages), paramsfields.cpp (the main fields) and
// paramsadvanced.cpp (the Advanced section).

#include "params/paramsform.h"
#include "request/generationrequest.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <array>
#include <functional>
#include <optional>
#include <utility>

class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QPushButton;
class QSpinBox;
class QToolButton;
class QVBoxLayout;

namespace comfyvideo::ui {

class ChoiceCombo;
class ReadinessLine;
class SeedField;

class ParamsForm::Private
{
public:
    explicit Private(ParamsForm *form);

    // paramsform.cpp
    void build();
    QWidget *buildTop();
    QWidget *buildKindSwitch(QWidget *parent);
    QWidget *buildButtons();
    void setKind(request::Kind kind);
    void applyPresetAt(int index);
    void edited();   // a field changed: revalidate, tell the window
    void validate(); // messages under fields, summary, buttons
    void submit(bool queue);
    void updateServerName();

    // paramsfields.cpp
    QWidget *buildMainFields();
    void buildPromptRows(QFormLayout *form);
    void buildZoneRow(QFormLayout *form);
    void buildModelRows(QFormLayout *form);
    void buildSizeRows(QFormLayout *form);
    void buildSeedRow(QFormLayout *form);
    void fillCatalog();

    // paramsadvanced.cpp
    QWidget *buildAdvanced();
    void buildAdvancedSampling(QFormLayout *form);
    void buildAdvancedOutput(QFormLayout *form);
    void buildAdvancedLoop(QFormLayout *form);
    void buildAdvancedAnimateDiff(QFormLayout *form);
    void buildAdvancedSvd(QFormLayout *form);

    // Shared helpers (paramsfields.cpp): a labelled row with a message line under the field.
    // `kinds`: the kinds the row applies to (hidden for the others).
    void addRow(QFormLayout *form,
                const QString &key,
                const QString &label,
                QWidget *field,
                QWidget *buddy,
                std::initializer_list<request::Kind> kinds);
    QSpinBox *intField(QFormLayout *form,
                       const QString &key,
                       const QString &label,
                       int request::GenerationRequest::*member,
                       std::pair<int, int> range,
                       std::initializer_list<request::Kind> kinds,
                       const QString &tip);
    QDoubleSpinBox *doubleField(QFormLayout *form,
                                const QString &key,
                                const QString &label,
                                double request::GenerationRequest::*member,
                                std::pair<double, double> range,
                                std::initializer_list<request::Kind> kinds,
                                const QString &tip);
    ChoiceCombo *choiceField(QFormLayout *form,
                             const QString &key,
                             const QString &label,
                             QString request::GenerationRequest::*member,
                             bool automatic,
                             std::initializer_list<request::Kind> kinds,
                             const QString &tip);
    void showRequest(); // pushes m_request into every widget (no edit signals)
    void updateRowVisibility();

    struct Row
    {
        QFormLayout *form = nullptr;
        QWidget *field = nullptr;
        QList<request::Kind> kinds;
    };

    ParamsForm *q;
    request::GenerationRequest m_request;
    // The kind-dependent shared values (checkpoint, frames, size, ...) of the kind not shown.
    std::array<std::optional<request::GenerationRequest>, 2> m_stash;
    CatalogChoices m_catalog;
    QList<ServerChoice> m_servers;
    bool m_updating = false; // pushing values into widgets: ignore their signals
    bool m_submitEnabled = true;

    QComboBox *m_server = nullptr;
    ReadinessLine *m_readiness = nullptr;
    QToolButton *m_textToVideo = nullptr;
    QToolButton *m_imageToVideo = nullptr;
    QComboBox *m_preset = nullptr;
    ReferenceImageZone *m_zone = nullptr;
    SeedField *m_seed = nullptr;
    ChoiceCombo *m_animateDiffCheckpoint = nullptr;
    ChoiceCombo *m_svdCheckpoint = nullptr;
    ChoiceCombo *m_motionModule = nullptr;
    ChoiceCombo *m_sampler = nullptr;
    ChoiceCombo *m_scheduler = nullptr;
    QToolButton *m_advancedToggle = nullptr;
    QWidget *m_advanced = nullptr;
    QLabel *m_summary = nullptr;
    QPushButton *m_generate = nullptr;
    QPushButton *m_queue = nullptr;

    QHash<QString, QLabel *> m_messages; // field key -> the line under the field
    QSet<QString> m_advancedKeys;        // fields in the Advanced section
    QList<Row> m_rows;
    QList<std::function<void()>> m_showers; // one per field: m_request -> widget
};

} // namespace comfyvideo::ui
