#pragma once
// A request's "args": its fields in the order they came, each keeping its JSON type. Requests are
// read once and looked up a few times, so this is a short list searched in order rather than a
// QJsonObject: building one costs about 2 µs per request, most of the CPU a request's reading took.

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QLatin1String>
#include <QString>

#include <vector>

namespace sb::protocol {

class RequestArgs
{
public:
    enum class Type { Null, Bool, Number, String, Array, Object };
    struct Field
    {
        QByteArray key; // as on the wire: UTF-8 (perhaps the frame's own bytes: keepKeysOf())
        Type type = Type::Null;
        bool boolean = false;
        double number = 0;
        bool integer = false; // Number written as a whole number that fits in 64 bits
        qint64 whole = 0;     // its value, when `integer`
        QString string;
        QJsonValue json; // Array and Object
    };

    static RequestArgs fromObject(const QJsonObject &object);

    // Adds a field; false (and nothing added) if one of that name is already there.
    bool add(Field field);
    const Field *find(QLatin1String key) const;
    bool contains(QLatin1String key) const { return find(key) != nullptr; }
    // As QJsonObject::value(): Undefined when absent.
    QJsonValue value(QLatin1String key) const;
    const std::vector<Field> &fields() const { return m_fields; }
    // For keys that refer into `frame` (QByteArray::fromRawData): holds a copy of it, which keeps
    // those bytes as they are for as long as these arguments live.
    void keepKeysOf(const QByteArray &frame) { m_keyBytes = frame; }

    static QJsonValue toJson(const Field &field);

private:
    std::vector<Field> m_fields;
    QByteArray m_keyBytes;
};

} // namespace sb::protocol
