#pragma once
// JSON text written straight into bytes, for what the service encodes for every message (the
// journal's customer.message payload, message.new events, the sender's acknowledgement): building
// a QJsonObject and encoding it allocated for every member and was a quarter of the service
// thread's time per message. The text parses to what QJsonDocument would have written.

#include <QByteArray>
#include <QJsonValue>
#include <QString>

namespace sb {

class JsonWriter final
{
public:
    explicit JsonWriter(qsizetype reserve = 256);

    // Keys are the protocol's own ASCII identifiers, written as given (never escaped).
    JsonWriter &beginObject(const char *key = nullptr);
    JsonWriter &endObject();
    JsonWriter &field(const char *key, const QString &value);
    JsonWriter &field(const char *key, qint64 value);
    JsonWriter &field(const char *key, bool value);
    // Any value: strings and whole numbers directly, anything else through QJsonDocument.
    JsonWriter &field(const char *key, const QJsonValue &value);
    // Bytes appended as they are: already JSON, or the start of a frame another part finishes.
    JsonWriter &raw(const char *text);

    const QByteArray &bytes() const { return m_out; }
    QByteArray take() { return std::move(m_out); }

    // `s` as a JSON string (quoted, escaped, UTF-8). A lone surrogate is written as its \u escape,
    // which is valid JSON and reads back as the same QString.
    static void appendString(QByteArray &out, const QString &s);
    static void appendValue(QByteArray &out, const QJsonValue &value);

private:
    void key(const char *key);

    QByteArray m_out;
    bool m_comma = false; // a member was written in the object open now
};

} // namespace sb
