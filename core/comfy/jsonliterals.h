#pragma once

#include <QByteArray>
#include <QSet>
#include <QString>
#include <QStringList>

namespace comfyvideo::comfy {

// QJsonDocument stores 100.0 as the integer 100, but Python prints the two differently
// ("max of 100.0"). This scans raw JSON text for number literals written with a fraction or
// an exponent and returns their paths (object keys and array indices joined by jsonPath()).
// Malformed input gives what was found before the error.
QSet<QString> floatLiteralPaths(const QByteArray &json);

QString jsonPath(const QStringList &parts);

} // namespace comfyvideo::comfy
