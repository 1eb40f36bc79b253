#pragma once
// A protocol client for tests: a real QWebSocket that sends requests and waits for their replies,
// and keeps every event pushed to it.

#include "envelope.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>

class WsClient
{
public:
    explicit WsClient(quint16 port)
    {
        QObject::connect(&socket, &QWebSocket::textMessageReceived, [this](const QString &text) {
            auto parsed = sb::protocol::parseIncoming(text.toUtf8());
            if (auto *in = std::get_if<sb::protocol::Incoming>(&parsed)) {
                if (in->kind == sb::protocol::Incoming::Event)
                    events.push_back(*in);
                else
                    replies.push_back(*in);
            } else {
                garbage << text;
            }
        });
        QSignalSpy connected(&socket, &QWebSocket::connected);
        socket.open(QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(port)));
        ok = connected.wait(5000);
    }

    // Sends a raw frame and waits for the next reply (result or error).
    sb::protocol::Incoming raw(const QByteArray &frame)
    {
        const auto before = replies.size();
        socket.sendTextMessage(QString::fromUtf8(frame));
        for (int i = 0; i < 500 && replies.size() == before; ++i)
            QTest::qWait(10);
        if (replies.size() == before) {
            sb::protocol::Incoming timeout;
            timeout.kind = sb::protocol::Incoming::Error;
            timeout.message = QStringLiteral("no reply");
            return timeout;
        }
        return replies.back();
    }

    sb::protocol::Incoming call(const QString &op, const QJsonObject &args = {})
    {
        return raw(sb::protocol::encodeRequest(++nextId, op, args));
    }

    QJsonObject ok_(const QString &op, const QJsonObject &args = {})
    {
        const auto in = call(op, args);
        if (in.kind != sb::protocol::Incoming::Result)
            qWarning("%s failed: %s %s", qPrintable(op), qPrintable(sb::protocol::toString(in.code)),
                     qPrintable(in.message));
        return in.kind == sb::protocol::Incoming::Result ? in.payload
                                                         : QJsonObject{{QStringLiteral("failed"), true}};
    }

    // Waits for an event with this name (after `from`), returning its index or -1.
    int waitEvent(const QString &name, int from = 0, int timeoutMs = 3000)
    {
        for (int waited = 0; waited <= timeoutMs; waited += 10) {
            for (int i = from; i < static_cast<int>(events.size()); ++i) {
                if (events[i].event == name)
                    return i;
            }
            QTest::qWait(10);
        }
        return -1;
    }

    QWebSocket socket;
    bool ok = false;
    qint64 nextId = 0;
    std::vector<sb::protocol::Incoming> replies;
    std::vector<sb::protocol::Incoming> events;
    QStringList garbage;
};
