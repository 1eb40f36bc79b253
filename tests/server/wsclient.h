#pragma once
// A protocol client for tests: a real QWebSocket that sends requests and waits for their replies,
// and keeps every event pushed to it.

#include "envelope.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <QWebSocket>
#include <functional>

// A reply's error code against the one expected, by name.
#define QCOMPARE_CODE(reply, expected)                                                                       \
    QCOMPARE(sb::protocol::toString((reply).code), sb::protocol::toString(sb::protocol::ErrorCode::expected))

class WsClient
{
public:
    explicit WsClient(quint16 port)
    {
        QObject::connect(&socket, &QWebSocket::textMessageReceived, [this](const QString &text) {
            auto parsed = sb::protocol::parseIncoming(text.toUtf8());
            if (auto *in = std::get_if<sb::protocol::Incoming>(&parsed)) {
                if (in->kind == sb::protocol::Incoming::Event) {
                    events.push_back(*in);
                    if (onEvent)
                        onEvent(events.back());
                } else {
                    replies.push_back(*in);
                    if (onReply)
                        onReply(replies.back());
                }
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
        if (!waitFor([&] { return replies.size() != before; }, 5000)) {
            sb::protocol::Incoming timeout;
            timeout.kind = sb::protocol::Incoming::Error;
            timeout.message = QStringLiteral("no reply");
            return timeout;
        }
        return replies.back();
    }

    // Runs the event loop until `done` holds or the time is up; wakes on each frame, not on a poll.
    bool waitFor(const std::function<bool()> &done, int timeoutMs)
    {
        QEventLoop loop;
        QTimer deadline;
        deadline.setSingleShot(true);
        QObject::connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
        // Queued: the frame is recorded (the connection made first) before the loop looks again.
        QObject::connect(&socket, &QWebSocket::textMessageReceived, &loop, &QEventLoop::quit,
                         Qt::QueuedConnection);
        QObject::connect(&socket, &QWebSocket::disconnected, &loop, &QEventLoop::quit, Qt::QueuedConnection);
        deadline.start(timeoutMs);
        while (!done() && deadline.isActive() && socket.state() == QAbstractSocket::ConnectedState)
            loop.exec();
        return done();
    }

    sb::protocol::Incoming call(const QString &op, const QJsonObject &args = {})
    {
        return raw(sb::protocol::encodeRequest(++nextId, op, args));
    }

    // Sends a request without waiting: for clients that keep requests in flight (load). Returns its id.
    qint64 post(const QString &op, const QJsonObject &args = {})
    {
        socket.sendTextMessage(QString::fromUtf8(sb::protocol::encodeRequest(++nextId, op, args)));
        return nextId;
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
        int found = -1;
        waitFor(
            [&] {
                for (int i = from; i < static_cast<int>(events.size()); ++i) {
                    if (events[i].event == name) {
                        found = i;
                        return true;
                    }
                }
                return false;
            },
            timeoutMs);
        return found;
    }

    // Called as each reply or event arrives, after it was recorded.
    std::function<void(const sb::protocol::Incoming &)> onReply;
    std::function<void(const sb::protocol::Incoming &)> onEvent;

    QWebSocket socket;
    bool ok = false;
    qint64 nextId = 0;
    std::vector<sb::protocol::Incoming> replies;
    std::vector<sb::protocol::Incoming> events;
    QStringList garbage;
};
