#include "requestargs.h"

#include <QVariant>

#include <cstring>

namespace sb::protocol {

RequestArgs RequestArgs::fromObject(const QJsonObject &object)
{
    RequestArgs args;
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        Field f;
        f.key = it.key().toUtf8();
        const QJsonValue v = it.value();
        switch (v.type()) {
        case QJsonValue::Bool:
            f.type = Type::Bool;
            f.boolean = v.toBool();
            break;
        case QJsonValue::Double:
            f.type = Type::Number;
            f.number = v.toDouble();
            // A whole number read from JSON is kept as an integer, which toVariant() shows.
            f.integer = v.toVariant().typeId() == QMetaType::LongLong;
            f.whole = f.integer ? v.toInteger() : 0;
            break;
        case QJsonValue::String:
            f.type = Type::String;
            f.string = v.toString();
            break;
        case QJsonValue::Array:
            f.type = Type::Array;
            f.json = v;
            break;
        case QJsonValue::Object:
            f.type = Type::Object;
            f.json = v;
            break;
        default:
            f.type = Type::Null;
            break;
        }
        args.m_fields.push_back(std::move(f));
    }
    return args;
}

QJsonValue RequestArgs::toJson(const Field &f)
{
    switch (f.type) {
    case Type::Null:
        return QJsonValue(QJsonValue::Null);
    case Type::Bool:
        return QJsonValue(f.boolean);
    case Type::Number:
        return f.integer ? QJsonValue(f.whole) : QJsonValue(f.number);
    case Type::String:
        return QJsonValue(f.string);
    case Type::Array:
    case Type::Object:
        return f.json;
    }
    return QJsonValue();
}

bool RequestArgs::add(Field field)
{
    if (find(QLatin1String(field.key.constData(), field.key.size())))
        return false;
    m_fields.push_back(std::move(field));
    return true;
}

const RequestArgs::Field *RequestArgs::find(QLatin1String key) const
{
    for (const Field &f : m_fields) {
        if (f.key.size() == key.size() && std::memcmp(f.key.constData(), key.data(), size_t(key.size())) == 0)
            return &f;
    }
    return nullptr;
}

QJsonValue RequestArgs::value(QLatin1String key) const
{
    const Field *f = find(key);
    return f ? toJson(*f) : QJsonValue(QJsonValue::Undefined);
}

} // namespace sb::protocol
