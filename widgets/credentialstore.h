#pragma once
// Passwords the agent asked to remember, kept in the system keychain (QtKeychain), never in the
// settings file. Where no keychain is available the calls fail with a readable reason.

#include <QObject>
#include <functional>

namespace sb {

class CredentialStore final : public QObject
{
    Q_OBJECT

public:
    using Done = std::function<void(bool ok, const QString &passwordOrError)>;

    explicit CredentialStore(QObject *parent = nullptr);

    static QString keyFor(const QString &login, const QString &address);
    void read(const QString &key, Done done);
    void write(const QString &key, const QString &password, Done done);
    void remove(const QString &key);
};

} // namespace sb
