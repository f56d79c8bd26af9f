#pragma once

#include "request/generationrequest.h"

#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>
#include <expected>
#include <functional>
#include <optional>

// Batches (issue #5): a seed sweep or a list of prompts expanded into requests that are queued
// as jobs of one batch.
//
// Seeds:
// - an explicit seed S with a count N gives S, S+1, ..., S+N-1 (refused when that would pass
//   18446744073709551615; seeds never wrap);
// - a range A-B gives A..B inclusive;
// - without a seed every job gets its own random seed (also a single job: queueing the same
//   request twice makes two different videos, as ComfyUI's "randomize" does). The seed is part
//   of the stored request, so every job stays reproducible.
// Prompts (AnimateDiff only): a list replaces the request's prompt, one job per prompt; combined
// with a count or a range, every prompt runs with every seed (prompt-major order), the same
// seeds for every prompt when a seed was given.
namespace comfyvideo::jobs {

inline constexpr int MaxBatchJobs = 10000;
inline constexpr int MaxPromptLength = 10000;                   // characters, per prompt
inline constexpr qint64 MaxPromptsFileBytes = 16 * 1024 * 1024; // refuse absurd files unread

struct SeedRange
{
    quint64 first = 0;
    quint64 last = 0;
    bool operator==(const SeedRange &) const = default;
};

struct BatchSpec
{
    std::optional<quint64> seed; // the request's seed when given by the user; nullopt: random
    std::optional<int> count;    // N jobs (1..MaxBatchJobs)
    std::optional<SeedRange> seeds;
    std::optional<QStringList> prompts; // from a prompts file
    QString promptsSource;              // its name, for the label
};

struct Batch
{
    QList<request::GenerationRequest> requests;
    QString label; // for people: "seeds 5-9", "3 prompts from ideas.txt × 2 seeds"
};

// "A-B" with decimal seeds (request::parseSeed), A ≤ B, at most MaxBatchJobs seeds. Surrounding
// spaces are allowed, also around the dash.
std::expected<SeedRange, QString> parseSeedRange(const QString &text);

// UTF-8 text, one prompt per line; blank lines and lines starting with '#' (after leading
// spaces) are skipped; "\#" at the start stands for a literal '#'. Surrounding spaces are
// trimmed, a BOM and CR line ends are accepted. Errors name the line: invalid UTF-8, a prompt
// over MaxPromptLength; also more than MaxBatchJobs prompts and a text without any prompt.
std::expected<QStringList, QString> parsePrompts(QByteArrayView utf8, const QString &sourceName);
// Reads `path` (at most MaxPromptsFileBytes) and parses it.
std::expected<QStringList, QString> readPromptsFile(const QString &path);

using SeedGenerator = std::function<quint64()>;

// Expands `base` by `spec` (count and seeds are exclusive; prompts only for AnimateDiff; at most
// MaxBatchJobs jobs). `randomSeed` (empty: the system's random generator) draws the seeds that
// were not given. Every problem is returned, one sentence each.
std::expected<Batch, QStringList> expandBatch(const request::GenerationRequest &base,
                                              const BatchSpec &spec,
                                              const SeedGenerator &randomSeed = {});

} // namespace comfyvideo::jobs
