#pragma once
// JSON text written straight into bytes, for what the service encodes for every message (the
// journal's customer.message payload, message.new events, the sender's acknowledgement): building
// a QJsonObject and encoding it allocated for every member and was a quarter of the service
// thread's time per message. The text parses to what QJsonDocument would have written.

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <utility>
#include <vector>

namespace sb {

class JsonWriter final
{
public:
    // `reserve`: room for the whole text, so that it is never moved while written. A string takes
    // at most stringRoom() bytes (each UTF-16 unit escaped), the size its writing asks for. The
    // room is in a buffer the thread's writers reuse; the text is copied out by take().
    explicit JsonWriter(qsizetype reserve = 256);
    ~JsonWriter();
    JsonWriter(const JsonWriter &) = delete;
    JsonWriter &operator=(const JsonWriter &) = delete;
    static qsizetype stringRoom(const QString &s) { return 2 + 6 * s.size(); }

    // Keys are the protocol's own ASCII identifiers, written as given (never escaped).
    JsonWriter &beginObject(const char *key = nullptr);
    JsonWriter &endObject();
    JsonWriter &field(const char *key, const QString &value);
    JsonWriter &field(const char *key, qint64 value);
    JsonWriter &field(const char *key, bool value);
    // Any value: strings and whole numbers directly, anything else through QJsonDocument.
    JsonWriter &field(const char *key, const QJsonValue &value);
    // A member whose value is already JSON text (an object QJsonDocument encoded).
    JsonWriter &rawField(const char *key, QByteArrayView json);
    // Bytes appended as they are: already JSON, or the start of a frame another part finishes.
    JsonWriter &raw(const char *text);

    // The text; valid until the writer writes again or is gone.
    const QByteArray &bytes();
    // The text in an allocation of its own size; the writer starts over.
    QByteArray take();

    // `s` as a JSON string (quoted, escaped, UTF-8). A lone surrogate is written as its \u escape,
    // which is valid JSON and reads back as the same QString.
    static void appendString(QByteArray &out, const QString &s);
    static void appendValue(QByteArray &out, const QJsonValue &value);

private:
    void key(const char *key);
    // Room for n more bytes at the end, written through the pointer: the text is kept in m_out
    // ahead of its size (m_size) so that no write goes through QByteArray::append, which in Qt 6.4
    // is a call into insert() for every piece.
    char *room(qsizetype n);
    void put(const char *data, qsizetype n);
    // Writes `s` as a JSON string at `o`, which has room for 2 + 6 * s.size() bytes; returns the end.
    static char *writeString(char *o, const QString &s);

    QByteArray m_out;
    qsizetype m_size = 0;
    bool m_comma = false; // a member was written in the object open now
};

// JsonWriter's calls building a QJsonObject instead, so that one function templated on the writer
// fills either: a message as message.new writes it into a frame and as a history reply lists it
// come from the same list of members (see servicereplies.cpp).
class JsonObjectBuilder final
{
public:
    JsonObjectBuilder &beginObject(const char *key = nullptr);
    JsonObjectBuilder &endObject();
    JsonObjectBuilder &field(const char *key, const QString &value) { return put(key, value); }
    JsonObjectBuilder &field(const char *key, qint64 value) { return put(key, value); }
    JsonObjectBuilder &field(const char *key, bool value) { return put(key, value); }
    JsonObjectBuilder &field(const char *key, const QJsonValue &value) { return put(key, value); }

    // The outermost object, once it is ended.
    QJsonObject take() { return std::move(m_done); }

private:
    JsonObjectBuilder &put(const char *key, const QJsonValue &value);

    // The objects open now, outermost first, each with the key it goes under in the one before.
    std::vector<std::pair<const char *, QJsonObject>> m_open;
    QJsonObject m_done;
};

} // namespace sb
