#pragma once

#include "request/generationrequest.h"
#include "request/validation.h"

#include <QJsonObject>
#include <expected>

namespace comfyvideo::request {

// Lossless JSON for the job store and the CLI. Every field is written; the seed is written as a
// decimal string so all 64 bits survive. A "version" key (currently 1) is written.
QJsonObject toJson(const GenerationRequest &request);

// Reads what toJson wrote. Missing keys take defaultRequest(kind) values; wrong types and
// unknown enum names are reported as problems naming the field.
std::expected<GenerationRequest, FieldProblems> fromJson(const QJsonObject &json);

} // namespace comfyvideo::request
