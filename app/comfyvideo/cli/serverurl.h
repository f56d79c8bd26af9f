#pragma once

#include <QCommandLineOption>
#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace comfyvideo::cli {

// The --server values of the queue commands.
class ServerUrl
{
    Q_DECLARE_TR_FUNCTIONS(ServerUrl)

public:
    // Every value as an http:// or https:// address; a line per bad value in `problems`.
    static QList<QUrl> parseAll(const QStringList &values, QStringList &problems);
    // The backend id a ComfyUI server at `url` has (ComfyBackend::id(): "comfyui:" + the
    // address without user info, query and trailing slash), for a job's chain.
    static QString backendId(const QUrl &url);

    // --ca-file FILE: extra trusted CA certificates (PEM) for https:// servers with a private
    // CA. TLS verification stays on either way.
    static QCommandLineOption caFileOption();
    // The absolute path of a readable PEM file holding at least one certificate; empty (and a
    // line in `problems`) otherwise, or when the option is not given.
    static QString readCaFile(const QString &value, QStringList &problems);
};

} // namespace comfyvideo::cli
