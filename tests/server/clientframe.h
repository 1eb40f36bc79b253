#pragma once
// A WebSocket frame as a client sends it (RFC 6455): masked with a fixed key unless told not to,
// with the 7-, 16- or 64-bit length its payload needs. For tests that write frames by hand.

#include <QByteArray>
#include <QtEndian>

inline QByteArray clientFrame(quint8 firstByte, const QByteArray &payload, bool masked = true)
{
    QByteArray out;
    out += char(firstByte);
    const quint8 maskBit = masked ? 0x80 : 0;
    if (payload.size() < 126) {
        out += char(maskBit | payload.size());
    } else if (payload.size() <= 0xFFFF) {
        out += char(maskBit | 126);
        char len[2];
        qToBigEndian(quint16(payload.size()), len);
        out.append(len, 2);
    } else {
        out += char(maskBit | 127);
        char len[8];
        qToBigEndian(quint64(payload.size()), len);
        out.append(len, 8);
    }
    if (!masked)
        return out + payload;
    const char key[4] = {'\x12', '\x34', '\x56', '\x78'};
    out.append(key, 4);
    for (qsizetype i = 0; i < payload.size(); ++i)
        out += char(payload.at(i) ^ key[i % 4]);
    return out;
}
