#pragma once

#include "comfy/wsevents.h"

#include <QByteArrayView>
#include <QJsonObject>

// Pure parsing of /ws frames. Never throws, never crashes on hostile input: anything that does
// not fit becomes ws::Unknown / ws::UnknownBinary, wrong field types read as empty.
namespace comfyvideo::comfy::ws {

// A text frame {"type": ..., "data": {...}}.
Event parseTextMessage(QByteArrayView utf8);
// The same, for an already decoded object (e.g. a history status.messages entry).
Event parseMessage(const QString &type, const QJsonObject &data);
// A binary frame: 4-byte big-endian event type, then the payload (reference §3.3).
BinaryEvent parseBinaryMessage(QByteArrayView frame);

// The client's first message announcing preview metadata support.
QByteArray featureFlagsMessage();

} // namespace comfyvideo::comfy::ws
