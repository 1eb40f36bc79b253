#include "requestscanner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStringDecoder>

#include <charconv>
#include <cmath>

namespace sb::protocol {

namespace {

class Scanner
{
public:
    explicit Scanner(const QByteArray &frame)
        : m_p(frame.constData()), m_end(frame.constData() + frame.size())
    {}

    void skipSpace()
    {
        while (m_p < m_end && (*m_p == ' ' || *m_p == '\t' || *m_p == '\n' || *m_p == '\r'))
            ++m_p;
    }
    bool take(char c)
    {
        skipSpace();
        if (m_p >= m_end || *m_p != c)
            return false;
        ++m_p;
        return true;
    }
    bool atEnd()
    {
        skipSpace();
        return m_p == m_end;
    }
    char peek()
    {
        skipSpace();
        return m_p < m_end ? *m_p : '\0';
    }

    // A key: printable ASCII without escapes, as every operation's field names are.
    // `out` refers to the frame's bytes (QByteArray::fromRawData): the frame must outlive it.
    bool key(QByteArray *out)
    {
        if (!take('"'))
            return false;
        const char *start = m_p;
        while (m_p < m_end && *m_p != '"') {
            const auto c = static_cast<unsigned char>(*m_p);
            if (c == '\\' || c < 0x20 || c >= 0x80)
                return false;
            ++m_p;
        }
        if (m_p >= m_end)
            return false;
        *out = QByteArray::fromRawData(start, m_p - start);
        ++m_p;
        return take(':');
    }

    bool string(QString *out)
    {
        if (!take('"'))
            return false;
        out->clear();
        const char *run = m_p; // the bytes not yet appended
        bool ascii = true;
        while (m_p < m_end) {
            const auto c = static_cast<unsigned char>(*m_p);
            if (c == '"') {
                if (!append(out, run, m_p, ascii))
                    return false;
                ++m_p;
                return true;
            }
            if (c < 0x20)
                return false; // QJsonDocument refuses it: its error, not ours
            if (c >= 0x80)
                ascii = false;
            if (c != '\\') {
                ++m_p;
                continue;
            }
            if (!append(out, run, m_p, ascii))
                return false;
            ascii = true;
            if (++m_p >= m_end)
                return false;
            switch (*m_p++) {
            case '"':
                out->append(QLatin1Char('"'));
                break;
            case '\\':
                out->append(QLatin1Char('\\'));
                break;
            case '/':
                out->append(QLatin1Char('/'));
                break;
            case 'b':
                out->append(QLatin1Char('\b'));
                break;
            case 'f':
                out->append(QLatin1Char('\f'));
                break;
            case 'n':
                out->append(QLatin1Char('\n'));
                break;
            case 'r':
                out->append(QLatin1Char('\r'));
                break;
            case 't':
                out->append(QLatin1Char('\t'));
                break;
            case 'u': {
                if (m_end - m_p < 4)
                    return false;
                char16_t unit = 0;
                for (int i = 0; i < 4; ++i) {
                    const char h = *m_p++;
                    unit <<= 4;
                    if (h >= '0' && h <= '9')
                        unit |= char16_t(h - '0');
                    else if (h >= 'a' && h <= 'f')
                        unit |= char16_t(h - 'a' + 10);
                    else if (h >= 'A' && h <= 'F')
                        unit |= char16_t(h - 'A' + 10);
                    else
                        return false;
                }
                out->append(QChar(unit)); // a lone surrogate too, as QJsonDocument keeps it
                break;
            }
            default:
                return false;
            }
            run = m_p;
        }
        return false;
    }

    // A number as QJsonDocument reads it: written whole and fitting in 64 bits, an integer exactly;
    // otherwise a double, kept as an integer if its value is whole and fits.
    bool number(double *value, bool *integer, qint64 *whole)
    {
        skipSpace();
        const char *start = m_p;
        if (m_p < m_end && *m_p == '-')
            ++m_p;
        if (m_p >= m_end)
            return false;
        if (*m_p == '0') {
            ++m_p;
        } else if (*m_p >= '1' && *m_p <= '9') {
            while (m_p < m_end && *m_p >= '0' && *m_p <= '9')
                ++m_p;
        } else {
            return false;
        }
        bool isWhole = true;
        if (m_p < m_end && *m_p == '.') {
            isWhole = false;
            if (!digits())
                return false;
        }
        if (m_p < m_end && (*m_p == 'e' || *m_p == 'E')) {
            isWhole = false;
            ++m_p;
            if (m_p < m_end && (*m_p == '+' || *m_p == '-'))
                ++m_p;
            if (!digits(false))
                return false;
        }
        *integer = false;
        if (isWhole) {
            qint64 n = 0;
            const auto [end, ec] = std::from_chars(start, m_p, n);
            if (ec == std::errc() && end == m_p) {
                *integer = true;
                *whole = n;
                *value = double(n);
                return true;
            }
        }
        bool ok = false;
        *value = QByteArrayView(start, m_p - start).toDouble(&ok);
        if (!ok || !qIsFinite(*value))
            return false;
        // QJsonDocument keeps any whole value that fits as an integer, 1e3 and 2.0 included.
        if (std::trunc(*value) == *value && *value >= -9223372036854775808.0 &&
            *value < 9223372036854775808.0) {
            *integer = true;
            *whole = qint64(*value);
        }
        return true;
    }

    bool literal(const char *word)
    {
        skipSpace();
        const qsizetype n = qsizetype(qstrlen(word));
        if (m_end - m_p < n || qstrncmp(m_p, word, size_t(n)) != 0)
            return false;
        m_p += n;
        return true;
    }

    // An array or object, for QJsonDocument to read: the text up to its matching bracket.
    bool nested(QJsonValue *out)
    {
        skipSpace();
        const char *start = m_p;
        int depth = 0;
        bool inString = false;
        while (m_p < m_end) {
            const char c = *m_p++;
            if (inString) {
                if (c == '\\')
                    ++m_p;
                else if (c == '"')
                    inString = false;
                continue;
            }
            if (c == '"') {
                inString = true;
            } else if (c == '[' || c == '{') {
                ++depth;
            } else if (c == ']' || c == '}') {
                if (--depth == 0) {
                    QJsonParseError error;
                    const QJsonDocument doc =
                        QJsonDocument::fromJson(QByteArray::fromRawData(start, m_p - start), &error);
                    if (error.error != QJsonParseError::NoError)
                        return false;
                    *out = doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
                    return true;
                }
            }
        }
        return false;
    }

    bool field(RequestArgs::Field *f)
    {
        switch (peek()) {
        case '"':
            f->type = RequestArgs::Type::String;
            return string(&f->string);
        case 't':
        case 'f':
            f->type = RequestArgs::Type::Bool;
            f->boolean = peek() == 't';
            return literal(f->boolean ? "true" : "false");
        case 'n':
            f->type = RequestArgs::Type::Null;
            return literal("null");
        case '[':
            f->type = RequestArgs::Type::Array;
            return nested(&f->json);
        case '{':
            f->type = RequestArgs::Type::Object;
            return nested(&f->json);
        default:
            f->type = RequestArgs::Type::Number;
            return number(&f->number, &f->integer, &f->whole);
        }
    }

    // "args": an object of fields (each name once), or null for none.
    bool arguments(RequestArgs *args)
    {
        if (literal("null"))
            return true;
        if (!take('{'))
            return false;
        if (take('}'))
            return true;
        do {
            RequestArgs::Field f;
            if (!key(&f.key) || !field(&f) || !args->add(std::move(f)))
                return false;
        } while (take(','));
        return take('}');
    }

private:
    bool digits(bool skipFirst = true)
    {
        if (skipFirst)
            ++m_p;
        const char *first = m_p;
        while (m_p < m_end && *m_p >= '0' && *m_p <= '9')
            ++m_p;
        return m_p > first;
    }

    // Appends the raw bytes [from, to) of a string; false on invalid UTF-8 (QJsonDocument's error).
    static bool append(QString *out, const char *from, const char *to, bool ascii)
    {
        if (from == to)
            return true;
        if (ascii) {
            out->append(QLatin1String(from, to - from));
            return true;
        }
        QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        const QString text = decoder.decode(QByteArrayView(from, to - from));
        if (decoder.hasError())
            return false;
        out->append(text);
        return true;
    }

    const char *m_p;
    const char *m_end;
};

} // namespace

bool scanRequest(const QByteArray &given, ScannedRequest *out)
{
    // The keys refer into the frame, so it must own its bytes: one made by fromRawData() (which
    // allocated nothing: no capacity) is copied first.
    const QByteArray frame =
        given.capacity() > 0 || given.isEmpty() ? given : QByteArray(given.constData(), given.size());
    Scanner s(frame);
    if (!s.take('{'))
        return false;
    bool haveId = false, haveOp = false, haveArgs = false;
    out->id = QJsonValue(QJsonValue::Undefined);
    out->op.clear();
    // The fields' keys are the frame's own bytes, kept alive (and unchanged: QByteArray copies
    // share, and detach before writing) by the copy RequestArgs holds.
    out->args = RequestArgs();
    out->args.keepKeysOf(frame);
    // "{}" and every other frame without "op" fall to QJsonDocument, which says what is missing.
    do {
        QByteArray key;
        if (!s.key(&key))
            return false;
        if (key == "id") {
            RequestArgs::Field f;
            // A wrong kind of id is left to QJsonDocument's path, which says so.
            if (haveId || !s.field(&f) ||
                (f.type != RequestArgs::Type::String && f.type != RequestArgs::Type::Number))
                return false;
            out->id = RequestArgs::toJson(f);
            haveId = true;
        } else if (key == "op") {
            if (haveOp || s.peek() != '"' || !s.string(&out->op))
                return false;
            haveOp = true;
        } else if (key == "args") {
            if (haveArgs || !s.arguments(&out->args))
                return false;
            haveArgs = true;
        } else {
            return false;
        }
    } while (s.take(','));
    return haveOp && s.take('}') && s.atEnd();
}

} // namespace sb::protocol
