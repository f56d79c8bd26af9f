#pragma once

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <chrono>
#include <optional>

namespace comfyvideo::cli {

// The options of `comfyvideo queue run` and what they make.
class QueueRunOptions
{
    Q_DECLARE_TR_FUNCTIONS(QueueRunOptions)

public:
    struct Settings
    {
        QString dataDir;     // absolute
        QString outputDir;   // absolute; --output-dir or <data-dir>/videos
        QList<QUrl> servers; // one ComfyBackend each, in this (priority) order
        QString caFile;      // extra trusted CAs (PEM) for https servers; empty: none
        int concurrency = 1; // jobs at once per server
        std::chrono::minutes timeout{20};
        std::chrono::minutes stall{5};
        bool interactive = false; // stdout is a terminal
    };

    QueueRunOptions();
    static QString description();
    void addTo(QCommandLineParser &parser) const;
    // nullopt with a line per problem in `problems`.
    std::optional<Settings> read(const QCommandLineParser &parser, QStringList &problems) const;

private:
    QCommandLineOption m_server;
    QCommandLineOption m_concurrency;
    QCommandLineOption m_timeout;
    QCommandLineOption m_stall;
    QCommandLineOption m_outputDir;
    QCommandLineOption m_dataDir;
    QCommandLineOption m_caFile;
};

} // namespace comfyvideo::cli
