#include "jsonwriter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sb {

namespace {

const char kHex[] = "0123456789abcdef";

// A whole number in the range where doubles are exact: written as an integer, as QJsonDocument
// writes it.
bool wholeNumber(double d)
{
    return std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 9007199254740992.0;
}

// Buffers the thread's writers wrote into, kept for the next ones: a writer reserves for the worst
// case (six bytes a unit), so a few hundred characters asked for a kilobyte or more, and a fresh
// allocation that size is one glibc serves on its slow path (consolidating its small free chunks
// first). Written text leaves in an allocation of its own size (take()).
thread_local std::vector<QByteArray> t_spareBuffers;
constexpr std::size_t kSpareBuffers = 8;
constexpr qsizetype kKeptBufferBytes = 256 * 1024;

} // namespace

JsonWriter::JsonWriter(qsizetype reserve)
{
    if (!t_spareBuffers.empty()) {
        m_out = std::move(t_spareBuffers.back());
        t_spareBuffers.pop_back();
    }
    if (m_out.size() < reserve)
        m_out.resize(reserve);
}

JsonWriter::~JsonWriter()
{
    // A buffer someone still shares (bytes() handed it out) is detached when written again.
    if (m_out.capacity() <= kKeptBufferBytes && t_spareBuffers.size() < kSpareBuffers)
        t_spareBuffers.push_back(std::move(m_out));
}

char *JsonWriter::room(qsizetype n)
{
    if (m_size + n > m_out.size())
        m_out.resize(std::max(m_out.size() * 2, m_size + n));
    char *at = m_out.data() + m_size;
    m_size += n;
    return at;
}

void JsonWriter::put(const char *data, qsizetype n)
{
    std::memcpy(room(n), data, n);
}

const QByteArray &JsonWriter::bytes()
{
    m_out.resize(m_size);
    return m_out;
}

QByteArray JsonWriter::take()
{
    QByteArray text(m_out.constData(), m_size);
    m_size = 0;
    return text;
}

void JsonWriter::key(const char *key)
{
    const qsizetype length = key ? qsizetype(std::strlen(key)) : 0;
    char *o = room(length + 4);
    if (m_comma)
        *o++ = ',';
    if (key) {
        *o++ = '"';
        std::memcpy(o, key, length);
        o += length;
        *o++ = '"';
        *o++ = ':';
    }
    m_size = o - m_out.constData();
}

JsonWriter &JsonWriter::beginObject(const char *k)
{
    key(k);
    put("{", 1);
    m_comma = false;
    return *this;
}

JsonWriter &JsonWriter::endObject()
{
    put("}", 1);
    m_comma = true;
    return *this;
}

JsonWriter &JsonWriter::field(const char *k, const QString &value)
{
    key(k);
    char *o = room(stringRoom(value));
    m_size = writeString(o, value) - m_out.constData();
    m_comma = true;
    return *this;
}

JsonWriter &JsonWriter::field(const char *k, qint64 value)
{
    key(k);
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    put(digits, end - digits);
    m_comma = true;
    return *this;
}

JsonWriter &JsonWriter::field(const char *k, bool value)
{
    key(k);
    if (value)
        put("true", 4);
    else
        put("false", 5);
    m_comma = true;
    return *this;
}

JsonWriter &JsonWriter::field(const char *k, const QJsonValue &value)
{
    // Request ids (echoed in every answer) are whole numbers or strings: written in place.
    if (value.isString())
        return field(k, value.toString());
    if (value.isDouble() && wholeNumber(value.toDouble()))
        return field(k, static_cast<qint64>(value.toDouble()));
    key(k);
    QByteArray text;
    appendValue(text, value);
    put(text.constData(), text.size());
    m_comma = true;
    return *this;
}

JsonWriter &JsonWriter::rawField(const char *k, QByteArrayView json)
{
    key(k);
    put(json.data(), json.size());
    m_comma = true;
    return *this;
}

JsonWriter &JsonWriter::raw(const char *text)
{
    put(text, qsizetype(std::strlen(text)));
    return *this;
}

void JsonWriter::appendValue(QByteArray &out, const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String:
        appendString(out, value.toString());
        return;
    case QJsonValue::Bool:
        out.append(value.toBool() ? "true" : "false");
        return;
    case QJsonValue::Null:
    case QJsonValue::Undefined: // as QJsonObject writes an undefined member
        out.append("null");
        return;
    case QJsonValue::Double: {
        const double d = value.toDouble();
        if (wholeNumber(d)) {
            out.append(QByteArray::number(static_cast<qint64>(d)));
            return;
        }
        break;
    }
    default:
        break;
    }
    // Fractions, arrays, objects: rare here, so the general encoder.
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    out.append(wrapped.constData() + 1, wrapped.size() - 2);
}

void JsonWriter::appendString(QByteArray &out, const QString &s)
{
    // Written through a pointer into room made for the longest possible result (an escape is six
    // bytes per UTF-16 unit) and cut to length after: appending a character at a time went through
    // QByteArray::insert for each one, a quarter of the service thread's instructions per message.
    const qsizetype at = out.size();
    out.resize(at + 2 + 6 * s.size());
    out.resize(writeString(out.data() + at, s) - out.constData());
}

char *JsonWriter::writeString(char *o, const QString &s)
{
    *o++ = '"';
    const char16_t *p = reinterpret_cast<const char16_t *>(s.utf16());
    const char16_t *const end = p + s.size();
    const auto escape = [&o](char16_t u) {
        const char e[] = {
            '\\', 'u', kHex[(u >> 12) & 0xf], kHex[(u >> 8) & 0xf], kHex[(u >> 4) & 0xf], kHex[u & 0xf]};
        std::memcpy(o, e, sizeof e);
        o += sizeof e;
    };
    // Eight plain characters at a time (printable ASCII but for '"' and '\\'), the run most text
    // is made of: a block with anything else goes through the loop below, a unit at a time.
    const char16_t *blockEnd = p;
    while (p < end) {
#if defined(__SSE2__)
        if (p >= blockEnd && end - p >= 8) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
            // Unsigned saturating differences: non-zero where a unit is above 0x7f or below 0x20.
            const __m128i outside = _mm_or_si128(_mm_subs_epu16(v, _mm_set1_epi16(0x7f)),
                                                 _mm_subs_epu16(_mm_set1_epi16(0x20), v));
            const __m128i special = _mm_or_si128(_mm_cmpeq_epi16(v, _mm_set1_epi16('"')),
                                                 _mm_cmpeq_epi16(v, _mm_set1_epi16('\\')));
            const __m128i plain = _mm_andnot_si128(special, _mm_cmpeq_epi16(outside, _mm_setzero_si128()));
            if (_mm_movemask_epi8(plain) == 0xffff) {
                _mm_storel_epi64(reinterpret_cast<__m128i *>(o), _mm_packus_epi16(v, v));
                o += 8;
                p += 8;
                continue;
            }
            blockEnd = p + 8;
        }
#endif
        const char16_t u = *p++;
        if (u < 0x80) {
            if (u >= 0x20 && u != '"' && u != '\\') {
                *o++ = static_cast<char>(u);
                continue;
            }
            char short_ = 0;
            switch (u) {
            case '"':
                short_ = '"';
                break;
            case '\\':
                short_ = '\\';
                break;
            case '\n':
                short_ = 'n';
                break;
            case '\r':
                short_ = 'r';
                break;
            case '\t':
                short_ = 't';
                break;
            case '\b':
                short_ = 'b';
                break;
            case '\f':
                short_ = 'f';
                break;
            default:
                escape(u);
                continue;
            }
            *o++ = '\\';
            *o++ = short_;
        } else if (u < 0x800) {
            *o++ = static_cast<char>(0xc0 | (u >> 6));
            *o++ = static_cast<char>(0x80 | (u & 0x3f));
        } else if (QChar::isHighSurrogate(u) && p < end && QChar::isLowSurrogate(*p)) {
            const char32_t c = QChar::surrogateToUcs4(u, *p++);
            *o++ = static_cast<char>(0xf0 | (c >> 18));
            *o++ = static_cast<char>(0x80 | ((c >> 12) & 0x3f));
            *o++ = static_cast<char>(0x80 | ((c >> 6) & 0x3f));
            *o++ = static_cast<char>(0x80 | (c & 0x3f));
        } else if (QChar::isSurrogate(u)) {
            escape(u); // alone: not encodable as UTF-8
        } else {
            *o++ = static_cast<char>(0xe0 | (u >> 12));
            *o++ = static_cast<char>(0x80 | ((u >> 6) & 0x3f));
            *o++ = static_cast<char>(0x80 | (u & 0x3f));
        }
    }
    *o++ = '"';
    return o;
}

// ---- JsonObjectBuilder ----

JsonObjectBuilder &JsonObjectBuilder::beginObject(const char *key)
{
    m_open.emplace_back(key, QJsonObject());
    return *this;
}

JsonObjectBuilder &JsonObjectBuilder::endObject()
{
    Q_ASSERT(!m_open.empty());
    auto [key, object] = std::move(m_open.back());
    m_open.pop_back();
    if (m_open.empty())
        m_done = std::move(object);
    else
        m_open.back().second.insert(QLatin1String(key), object);
    return *this;
}

JsonObjectBuilder &JsonObjectBuilder::put(const char *key, const QJsonValue &value)
{
    Q_ASSERT(!m_open.empty());
    m_open.back().second.insert(QLatin1String(key), value);
    return *this;
}

} // namespace sb
