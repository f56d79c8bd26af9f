#pragma once

#include "request/generationrequest.h"
#include "request/validation.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <expected>

namespace comfyvideo::request {

inline constexpr int RequestJsonVersion = 1;

// Lossless JSON for the job store and the CLI. Every field is written; the seed is written as a
// decimal string so all 64 bits survive. A "version" key (currently 1) is written. Keys are the
// struct's member names ("negativePrompt", "motionBucketId", ...); enums use the stable names of
// generationrequest.h. Doubles that are not finite (only an invalid request has them) are
// written as the strings "NaN", "Infinity" and "-Infinity" so even they survive.
QJsonObject toJson(const GenerationRequest &request);

// Reads what toJson wrote. Missing keys take defaultRequest(kind) values; wrong types and
// unknown enum names are reported as problems naming the field.
// Also reported: unknown keys (a misspelt "frame" is not silently ignored), a "version" other
// than 1, whole-number fields holding fractions or values beyond int, and a seed that is not a
// decimal string of 0..2^64-1 (a plain JSON number is accepted up to 2^53, where doubles are
// still exact). Ranges are not checked here: run validate() on the result.
std::expected<GenerationRequest, FieldProblems> fromJson(const QJsonObject &json);

// The same as UTF-8 text. A syntax error or a document that is not an object is one problem
// whose field is empty.
QByteArray toJsonText(const GenerationRequest &request,
                      QJsonDocument::JsonFormat format = QJsonDocument::Compact);
std::expected<GenerationRequest, FieldProblems> fromJsonText(const QByteArray &text);

} // namespace comfyvideo::request
