#include "credentialstore.h"

#include <qt6keychain/keychain.h>

namespace sb {

namespace {
const QString kService = QStringLiteral("Switchboard");
}

CredentialStore::CredentialStore(QObject *parent) : QObject(parent) {}

QString CredentialStore::keyFor(const QString &login, const QString &address)
{
    return login + QLatin1Char('@') + address;
}

void CredentialStore::read(const QString &key, Done done)
{
    auto *job = new QKeychain::ReadPasswordJob(kService, this);
    job->setKey(key);
    job->setInsecureFallback(false);
    connect(job, &QKeychain::Job::finished, this, [done](QKeychain::Job *j) {
        auto *read = static_cast<QKeychain::ReadPasswordJob *>(j);
        if (read->error() == QKeychain::NoError)
            done(true, read->textData());
        else
            done(false, read->errorString());
    });
    job->start();
}

void CredentialStore::write(const QString &key, const QString &password, Done done)
{
    // Not our child: a write finishes (and deletes itself) even when the sign-in window that asked
    // for it closes at once.
    auto *job = new QKeychain::WritePasswordJob(kService);
    job->setKey(key);
    job->setInsecureFallback(false);
    job->setTextData(password);
    connect(job, &QKeychain::Job::finished, this,
            [done](QKeychain::Job *j) { done(j->error() == QKeychain::NoError, j->errorString()); });
    job->start();
}

void CredentialStore::remove(const QString &key)
{
    auto *job = new QKeychain::DeletePasswordJob(kService);
    job->setKey(key);
    job->start();
}

} // namespace sb
