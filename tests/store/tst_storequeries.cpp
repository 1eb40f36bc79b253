// Every write the store accepts, read back through the reader: accounts, teams, sessions,
// customers, conversations, messages (sequence numbers, paging, attachments, edits), decisions,
// engine events, settings and quick replies, with the errors each gives on bad input.
#include "storereader.h"
#include "storewriter.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

using namespace sb;

class TestStoreQueries : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void teams();
    void accounts();
    void sessions();
    void customers();
    void conversations();
    void messagesAndPaging();
    void attachmentsAndEdits();
    void lastMessagesOfOpenConversations();
    void sequencePerConversation();
    void decisions();
    void engineEvents();
    void settings();
    void quickReplies();

private:
    // Submits one write, waits for its commit and returns its result.
    template<typename Submit>
    WriteResult write(Submit submit);
    void seedConversation(const QString &id, const QString &customer = QStringLiteral("cust"));

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<StoreWriter> m_writer;
    std::unique_ptr<StoreReader> m_reader;
};

template<typename Submit>
WriteResult TestStoreQueries::write(Submit submit)
{
    std::optional<WriteResult> result;
    submit([&result](const WriteResult &r) { result = r; });
    if (!m_writer->flush(10000) || !result)
        return WriteResult::failure(QStringLiteral("test"), QStringLiteral("no completion"));
    return *result;
}

#define WRITE(call) write([&](StoreWriter::Completion done) { m_writer->call; })
#define VERIFY_OK(result)                                                                                    \
    do {                                                                                                     \
        const WriteResult r_ = (result);                                                                     \
        QVERIFY2(r_.ok, qPrintable(r_.code + QLatin1String(": ") + r_.error));                               \
    } while (false)
#define VERIFY_FAILS(result, expectedCode)                                                                   \
    do {                                                                                                     \
        const WriteResult r_ = (result);                                                                     \
        QVERIFY2(!r_.ok, "should have failed");                                                              \
        QCOMPARE(r_.code, QStringLiteral(expectedCode));                                                     \
        QVERIFY(!r_.error.isEmpty());                                                                        \
    } while (false)

void TestStoreQueries::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    const QString path = m_dir->filePath(QStringLiteral("store.db"));
    m_writer = std::make_unique<StoreWriter>(path);
    QString error;
    QVERIFY2(m_writer->start(&error), qPrintable(error));
    m_reader = std::make_unique<StoreReader>();
    QVERIFY2(m_reader->open(path, &error), qPrintable(error));
}

void TestStoreQueries::cleanup()
{
    m_reader.reset();
    m_writer.reset();
    m_dir.reset();
}

void TestStoreQueries::seedConversation(const QString &id, const QString &customer)
{
    Customer c;
    c.id = customer;
    c.createdAt = 1;
    m_writer->upsertCustomer(c);
    Conversation conv;
    conv.id = id;
    conv.customerId = customer;
    conv.channel = QStringLiteral("web");
    conv.createdAt = 2;
    m_writer->upsertConversation(conv);
}

void TestStoreQueries::teams()
{
    VERIFY_OK(WRITE(upsertTeam({"hk", "Hong Kong", {}}, done)));
    VERIFY_OK(WRITE(upsertTeam({"sales", "Sales", "hk"}, done)));
    VERIFY_OK(WRITE(upsertTeam({"night", "Night shift", "sales"}, done)));
    VERIFY_OK(WRITE(upsertTeam({"tutor", "Tutoring", "hk"}, done)));
    QCOMPARE(m_reader->teamSubtree(QStringLiteral("hk")), (QStringList{"hk", "night", "sales", "tutor"}));
    QCOMPARE(m_reader->teamSubtree(QStringLiteral("sales")), (QStringList{"night", "sales"}));
    QCOMPARE(m_reader->teamSubtree(QStringLiteral("night")), QStringList{"night"});
    // A tree stays a tree.
    VERIFY_FAILS(WRITE(upsertTeam({"hk", "Hong Kong", "night"}, done)), "invalid");
    VERIFY_FAILS(WRITE(upsertTeam({"hk", "Hong Kong", "hk"}, done)), "invalid");
    VERIFY_FAILS(WRITE(upsertTeam({"x", "X", "nowhere"}, done)), "not-found");
    VERIFY_FAILS(WRITE(upsertTeam({"", "X", {}}, done)), "invalid");
    // Moving a team moves its subtree.
    VERIFY_OK(WRITE(upsertTeam({"sales", "Sales", "tutor"}, done)));
    QCOMPARE(m_reader->teamSubtree(QStringLiteral("tutor")), (QStringList{"night", "sales", "tutor"}));
    QCOMPARE(m_reader->teams().size(), 4);

    // Deleting: refused while a child team or an account names the team, then gone for good.
    VERIFY_FAILS(WRITE(deleteTeam(QStringLiteral("sales"), done)), "in-use"); // night is below it
    VERIFY_OK(WRITE(upsertAccount({"ann", "ann", "Ann", Role::Agent, "night", "!", 1, false}, done)));
    VERIFY_FAILS(WRITE(deleteTeam(QStringLiteral("night"), done)), "in-use");
    VERIFY_OK(WRITE(upsertAccount({"ann", "ann", "Ann", Role::Agent, {}, "!", 1, false}, done)));
    VERIFY_OK(WRITE(deleteTeam(QStringLiteral("night"), done)));
    VERIFY_FAILS(WRITE(deleteTeam(QStringLiteral("night"), done)), "not-found");
    VERIFY_OK(WRITE(deleteTeam(QStringLiteral("sales"), done)));
    QCOMPARE(m_reader->teamSubtree(QStringLiteral("hk")), (QStringList{"hk", "tutor"}));
    QCOMPARE(m_reader->teams().size(), 2);
    // The id can be used again.
    VERIFY_OK(WRITE(upsertTeam({"sales", "Sales again", {}}, done)));
    QCOMPARE(m_reader->teams().size(), 3);
}

void TestStoreQueries::accounts()
{
    VERIFY_OK(WRITE(upsertTeam({"hk", "Hong Kong", {}}, done)));
    Account alice{"alice", "Alice", "Alice Chan", Role::Agent, "hk", "$argon2id$x", 100, false};
    VERIFY_OK(WRITE(upsertAccount(alice, done)));
    auto found = m_reader->accountByLogin(QStringLiteral("alice"));
    QVERIFY(found);
    QCOMPARE(found->id, QStringLiteral("alice"));
    QCOMPARE(found->displayName, QStringLiteral("Alice Chan"));
    QCOMPARE(found->teamId, QStringLiteral("hk"));
    QCOMPARE(found->passwordHash, QStringLiteral("$argon2id$x"));
    QCOMPARE(found->createdAt, 100);
    QVERIFY(m_reader->accountByLogin(QStringLiteral("ALICE"))); // logins ignore case
    QVERIFY(!m_reader->accountByLogin(QStringLiteral("bob")));
    QVERIFY(m_reader->lastError().isEmpty()); // not found is not an error

    alice.displayName = QStringLiteral("Alice 陳");
    alice.role = Role::Supervisor;
    alice.disabled = true;
    alice.createdAt = 999; // creation time is kept by an update
    VERIFY_OK(WRITE(upsertAccount(alice, done)));
    found = m_reader->accountById(QStringLiteral("alice"));
    QCOMPARE(found->displayName, QStringLiteral("Alice 陳"));
    QCOMPARE(toString(found->role), QStringLiteral("supervisor"));
    QVERIFY(found->disabled);
    QCOMPARE(found->createdAt, 100);

    Account other{"bob", "ALICE", "Bob", Role::Agent, {}, "h", 1, false};
    const WriteResult taken = WRITE(upsertAccount(other, done));
    VERIFY_FAILS(taken, "conflict");
    QVERIFY2(taken.error.contains(QLatin1String("taken")), qPrintable(taken.error));
    other.login = QStringLiteral("bob");
    other.teamId = QStringLiteral("nowhere");
    VERIFY_FAILS(WRITE(upsertAccount(other, done)), "not-found");
    other.teamId.clear();
    VERIFY_OK(WRITE(upsertAccount(other, done)));
    QVERIFY(m_reader->accountByLogin(QStringLiteral("bob"))->teamId.isEmpty());
}

void TestStoreQueries::sessions()
{
    VERIFY_OK(WRITE(upsertAccount({"alice", "alice", "Alice", Role::Agent, {}, "h", 1, false}, done)));
    VERIFY_OK(WRITE(upsertAccount({"root", "Root", "Root", Role::Admin, {}, "h", 2, false}, done)));
    const QList<Account> all = m_reader->accounts();
    QCOMPARE(all.size(), 2);
    QCOMPARE(all.at(0).id, QStringLiteral("alice"));
    QCOMPARE(all.at(1).login, QStringLiteral("Root"));
    QCOMPARE(toString(all.at(1).role), QStringLiteral("admin"));
    VERIFY_OK(WRITE(createSession({"hash-1", "alice", 10, 1000, false, {}}, done)));
    VERIFY_OK(WRITE(createSession({"hash-2", "alice", 10, 50, false, {}}, done)));
    auto s = m_reader->sessionByTokenHash(QStringLiteral("hash-1"));
    QVERIFY(s);
    QCOMPARE(s->accountId, QStringLiteral("alice"));
    QCOMPARE(s->expiresAt, 1000);
    QVERIFY(!s->revoked);
    VERIFY_FAILS(WRITE(createSession({"hash-1", "alice", 10, 1000, false, {}}, done)), "conflict");
    VERIFY_FAILS(WRITE(createSession({"hash-3", "mallory", 10, 1000, false, {}}, done)), "not-found");
    VERIFY_OK(WRITE(revokeSession(QStringLiteral("hash-1"), done)));
    QVERIFY(m_reader->sessionByTokenHash(QStringLiteral("hash-1"))->revoked);
    VERIFY_FAILS(WRITE(revokeSession(QStringLiteral("nope"), done)), "not-found");
    const WriteResult purged = WRITE(purgeSessions(100, done));
    VERIFY_OK(purged);
    QCOMPARE(purged.id, 1);
    QVERIFY(!m_reader->sessionByTokenHash(QStringLiteral("hash-2")));
    QVERIFY(m_reader->sessionByTokenHash(QStringLiteral("hash-1")));
    // Customers' sessions live in their own table and come back through the same look-up.
    VERIFY_OK(WRITE(upsertCustomer({"c9", "Guest", {}, false, {}, {}, {}, 1}, done)));
    VERIFY_OK(WRITE(createSession({"hash-c", {}, 10, 1000, false, "c9"}, done)));
    VERIFY_FAILS(WRITE(createSession({"hash-d", {}, 10, 1000, false, "nobody"}, done)), "not-found");
    VERIFY_FAILS(WRITE(createSession({"hash-e", "alice", 10, 1000, false, "c9"}, done)), "invalid");
    auto c = m_reader->sessionByTokenHash(QStringLiteral("hash-c"));
    QVERIFY(c);
    QCOMPARE(c->customerId, QStringLiteral("c9"));
    QVERIFY(c->accountId.isEmpty());
    QCOMPARE(c->expiresAt, 1000);
    VERIFY_OK(WRITE(revokeSession(QStringLiteral("hash-c"), done)));
    QVERIFY(m_reader->sessionByTokenHash(QStringLiteral("hash-c"))->revoked);
    QVERIFY(m_reader->sessionByTokenHash(QStringLiteral("hash-1"))->customerId.isEmpty());
}

void TestStoreQueries::customers()
{
    VERIFY_OK(WRITE(upsertAccount({"alice", "alice", "Alice", Role::Agent, {}, "h", 1, false}, done)));
    Customer li{"c1", "李小姐", {"vip", "returning", "vip"}, true, "zh-HK", "alice", "CRM-1", 5};
    VERIFY_OK(WRITE(upsertCustomer(li, done)));
    QCOMPARE(m_reader->customerByExternalId(QStringLiteral("CRM-1"))->id, QStringLiteral("c1"));
    QVERIFY(!m_reader->customerByExternalId(QStringLiteral("CRM-2")));
    auto found = m_reader->customer(QStringLiteral("c1"));
    QVERIFY(found);
    QCOMPARE(found->name, QStringLiteral("李小姐"));
    QCOMPARE(found->tags, (QStringList{"returning", "vip"})); // a set, sorted
    QVERIFY(found->vip);
    QCOMPARE(found->language, QStringLiteral("zh-HK"));
    QCOMPARE(found->ownerId, QStringLiteral("alice"));
    QCOMPARE(found->externalId, QStringLiteral("CRM-1"));

    li.tags = QStringList{"english"};
    li.ownerId.clear();
    VERIFY_OK(WRITE(upsertCustomer(li, done)));
    found = m_reader->customer(QStringLiteral("c1"));
    QCOMPARE(found->tags, QStringList{"english"});
    QVERIFY(found->ownerId.isEmpty());

    // Guests have no CRM id; two of them do not collide.
    VERIFY_OK(WRITE(upsertCustomer({"g1", "Guest", {}, false, {}, {}, {}, 1}, done)));
    VERIFY_OK(WRITE(upsertCustomer({"g2", "Guest", {}, false, {}, {}, {}, 1}, done)));
    VERIFY_FAILS(WRITE(upsertCustomer({"g3", "Guest", {}, false, {}, {}, "CRM-1", 1}, done)), "conflict");
    VERIFY_FAILS(WRITE(upsertCustomer({"g4", "Guest", {}, false, {}, "nobody", {}, 1}, done)), "not-found");
    QVERIFY(!m_reader->customer(QStringLiteral("g3")));
}

void TestStoreQueries::conversations()
{
    VERIFY_OK(WRITE(upsertAccount({"alice", "alice", "Alice", Role::Agent, {}, "h", 1, false}, done)));
    VERIFY_OK(WRITE(upsertAccount({"bob", "bob", "Bob", Role::Agent, {}, "h", 1, false}, done)));
    VERIFY_OK(WRITE(upsertCustomer({"c1", "Li", {}, false, {}, {}, {}, 1}, done)));
    Conversation conv;
    conv.id = QStringLiteral("t1");
    conv.customerId = QStringLiteral("c1");
    conv.channel = QStringLiteral("wechat");
    conv.rule = QStringLiteral("vip-first");
    conv.groups = QStringList{"vip", "sales", "vip"};
    conv.createdAt = 1000;
    VERIFY_OK(WRITE(upsertConversation(conv, done)));
    auto found = m_reader->conversation(QStringLiteral("t1"));
    QVERIFY(found);
    QCOMPARE(toString(found->state), QStringLiteral("queued"));
    QCOMPARE(found->groups, (QStringList{"vip", "sales"})); // the rule's order, once each
    QVERIFY(found->agentId.isEmpty());

    conv.state = ConversationState::Assigned;
    conv.agentId = QStringLiteral("alice");
    conv.groups = QStringList{"sales"};
    VERIFY_OK(WRITE(upsertConversation(conv, done)));
    Conversation second = conv;
    second.id = QStringLiteral("t2");
    second.agentId = QStringLiteral("bob");
    second.createdAt = 2000;
    VERIFY_OK(WRITE(upsertConversation(second, done)));
    QCOMPARE(m_reader->openConversations().size(), 2);
    QCOMPARE(m_reader->openConversations(QStringLiteral("alice")).value(0).id, QStringLiteral("t1"));
    QCOMPARE(m_reader->conversation(QStringLiteral("t1"))->groups, QStringList{"sales"});

    // A rating answers a survey, once (schema version 8): refused before the request, taken after
    // it, refused again; a second request keeps the first one's time.
    VERIFY_FAILS(WRITE(rateConversation(QStringLiteral("t1"), 4, done)), "conflict");
    QCOMPARE(m_reader->conversation(QStringLiteral("t1"))->satisfaction, 0);
    VERIFY_OK(WRITE(requestSurvey(QStringLiteral("t1"), 3000, done)));
    VERIFY_OK(WRITE(requestSurvey(QStringLiteral("t1"), 3500, done)));
    VERIFY_OK(WRITE(rateConversation(QStringLiteral("t1"), 4, done)));
    WriteResult twice = WRITE(rateConversation(QStringLiteral("t1"), 2, done));
    VERIFY_FAILS(twice, "conflict");
    QVERIFY2(twice.error.contains(QLatin1String("already rated")), qPrintable(twice.error));
    VERIFY_FAILS(WRITE(requestSurvey(QStringLiteral("nope"), 3000, done)), "not-found");
    conv.state = ConversationState::Closed;
    conv.closedAt = 5000;
    VERIFY_OK(WRITE(upsertConversation(conv, done))); // no rating given: the stored one stays
    found = m_reader->conversation(QStringLiteral("t1"));
    QCOMPARE(toString(found->state), QStringLiteral("closed"));
    QCOMPARE(found->closedAt, 5000);
    QCOMPARE(found->satisfaction, 4);
    QCOMPARE(found->surveyRequestedAt, 3000); // the upsert keeps it too
    QCOMPARE(m_reader->openConversations().size(), 1);
    QCOMPARE(m_reader->openConversations(QStringLiteral("alice")).size(), 0);
    const QList<Conversation> previous = m_reader->customerConversations(QStringLiteral("c1"));
    QCOMPARE(previous.size(), 2);
    QCOMPARE(previous[0].id, QStringLiteral("t2")); // newest first

    VERIFY_FAILS(WRITE(rateConversation(QStringLiteral("t1"), 6, done)), "invalid");
    VERIFY_FAILS(WRITE(rateConversation(QStringLiteral("nope"), 3, done)), "not-found");
    Conversation bad = conv;
    bad.closedAt = 0; // closed without a time
    VERIFY_FAILS(WRITE(upsertConversation(bad, done)), "invalid");
    bad = second;
    bad.id = QStringLiteral("t3");
    bad.customerId = QStringLiteral("ghost");
    WriteResult refused = WRITE(upsertConversation(bad, done));
    VERIFY_FAILS(refused, "not-found");
    QVERIFY2(refused.error.contains(QLatin1String("unknown customer \"ghost\"")), qPrintable(refused.error));
    bad.customerId = QStringLiteral("c1");
    bad.agentId = QStringLiteral("ghost");
    refused = WRITE(upsertConversation(bad, done));
    VERIFY_FAILS(refused, "not-found");
    QVERIFY2(refused.error.contains(QLatin1String("unknown agent \"ghost\"")), qPrintable(refused.error));
    QVERIFY(!m_reader->conversation(QStringLiteral("t3")));
}

void TestStoreQueries::messagesAndPaging()
{
    seedConversation(QStringLiteral("t1"));
    for (int i = 1; i <= 120; ++i) {
        Message m;
        m.conversationId = QStringLiteral("t1");
        m.senderKind = i % 2 ? SenderKind::Customer : SenderKind::Agent;
        m.senderId = i % 2 ? QStringLiteral("cust") : QStringLiteral("alice");
        m.body = QStringLiteral("message %1").arg(i);
        m.createdAt = 1000 + i;
        m_writer->appendMessage(m);
    }
    QVERIFY(m_writer->flush(10000));

    QList<Message> page = m_reader->history(QStringLiteral("t1"), 0, 50);
    QCOMPARE(page.size(), 50);
    QCOMPARE(page.first().seq, 71);
    QCOMPARE(page.last().seq, 120);
    QCOMPARE(page.last().body, QStringLiteral("message 120"));
    QCOMPARE(toString(page.last().senderKind), QStringLiteral("agent"));
    page = m_reader->history(QStringLiteral("t1"), page.first().seq, 50);
    QCOMPARE(page.first().seq, 21);
    QCOMPARE(page.last().seq, 70);
    page = m_reader->history(QStringLiteral("t1"), page.first().seq, 50);
    QCOMPARE(page.size(), 20);
    QCOMPARE(page.first().seq, 1);
    QCOMPARE(page.first().createdAt, 1001);
    QVERIFY(m_reader->history(QStringLiteral("t1"), 1, 50).isEmpty());
    QVERIFY(m_reader->history(QStringLiteral("other"), 0, 50).isEmpty());

    const QList<Message> missed = m_reader->messagesAfter(QStringLiteral("t1"), 115);
    QCOMPARE(missed.size(), 5);
    QCOMPARE(missed.first().seq, 116);

    // A message for a conversation the store does not know fails cleanly and takes no number.
    Message stray;
    stray.conversationId = QStringLiteral("ghost");
    stray.body = QStringLiteral("hello");
    const WriteResult r = WRITE(appendMessage(stray, done));
    VERIFY_FAILS(r, "not-found");
    QVERIFY2(r.error.contains(QLatin1String("ghost")), qPrintable(r.error));
    Message next;
    next.conversationId = QStringLiteral("t1");
    next.senderKind = SenderKind::System;
    // A null body is stored as empty text, not refused as NULL.
    const WriteResult ok = WRITE(appendMessage(next, done));
    VERIFY_OK(ok);
    QCOMPARE(ok.seq, 121);
    QCOMPARE(m_reader->history(QStringLiteral("t1"), 0, 1).value(0).body, QString());
}

void TestStoreQueries::lastMessagesOfOpenConversations()
{
    // t1 open with three messages, t2 open with none, t3 closed, t4 open ending with an image.
    seedConversation(QStringLiteral("t1"), QStringLiteral("ann"));
    seedConversation(QStringLiteral("t2"), QStringLiteral("ben"));
    seedConversation(QStringLiteral("t3"), QStringLiteral("cat"));
    seedConversation(QStringLiteral("t4"), QStringLiteral("ann"));
    auto add = [this](const char *conversation, const QString &body) {
        Message m;
        m.conversationId = QString::fromLatin1(conversation);
        m.senderKind = SenderKind::Customer;
        m.body = body;
        m.createdAt = 5000;
        m_writer->appendMessage(m);
    };
    for (int i = 1; i <= 3; ++i) {
        add("t1", QStringLiteral("t1 #%1").arg(i));
        add("t3", QStringLiteral("t3 #%1").arg(i));
        add("t4", QStringLiteral("t4 #%1").arg(i));
    }
    Message image;
    image.conversationId = QStringLiteral("t4");
    image.kind = MessageKind::Image;
    image.attachment = Attachment{"photo.jpg", "image/jpeg", 3, QByteArray("abc"), {}};
    m_writer->appendMessage(image);
    Conversation closed;
    closed.id = QStringLiteral("t3");
    closed.customerId = QStringLiteral("cat");
    closed.channel = QStringLiteral("web");
    closed.state = ConversationState::Closed;
    closed.createdAt = 2;
    closed.closedAt = 9000;
    VERIFY_OK(WRITE(upsertConversation(closed, done)));

    QList<Message> last = m_reader->lastMessagesOfOpenConversations();
    QVERIFY(m_reader->lastError().isEmpty());
    std::sort(last.begin(), last.end(),
              [](const Message &a, const Message &b) { return a.conversationId < b.conversationId; });
    QCOMPARE(last.size(), 2);
    QCOMPARE(last[0].conversationId, QStringLiteral("t1"));
    QCOMPARE(last[0].seq, 3);
    QCOMPARE(last[0].body, QStringLiteral("t1 #3"));
    QCOMPARE(toString(last[0].senderKind), QStringLiteral("customer"));
    QVERIFY(!last[0].attachment);
    QCOMPARE(last[1].conversationId, QStringLiteral("t4"));
    QCOMPARE(last[1].seq, 4);
    QVERIFY(last[1].attachment);
    QCOMPARE(last[1].attachment->name, QStringLiteral("photo.jpg"));
    QVERIFY(last[1].attachment->data.isEmpty()); // never the bytes
    // Each matches what paging the conversation's history says is last.
    for (const Message &m : std::as_const(last))
        QCOMPARE(m_reader->history(m.conversationId, 0, 1).value(0).id, m.id);

    const QHash<QString, QString> names = m_reader->customerNamesOfOpenConversations();
    QCOMPARE(names.size(), 2); // ann (t1, t4) once, ben; not cat, whose conversation is closed
    QVERIFY(names.contains(QStringLiteral("ann")));
    QVERIFY(names.contains(QStringLiteral("ben")));

    // Closing the last open one leaves nothing, and is not an error.
    for (const char *id : {"t1", "t2", "t4"}) {
        closed.id = QString::fromLatin1(id);
        closed.customerId = id == QByteArray("t2") ? QStringLiteral("ben") : QStringLiteral("ann");
        VERIFY_OK(WRITE(upsertConversation(closed, done)));
    }
    QVERIFY(m_reader->lastMessagesOfOpenConversations().isEmpty());
    QVERIFY(m_reader->lastError().isEmpty());
}

void TestStoreQueries::attachmentsAndEdits()
{
    seedConversation(QStringLiteral("t1"));
    Message image;
    image.conversationId = QStringLiteral("t1");
    image.kind = MessageKind::Image;
    image.attachment = Attachment{"photo.jpg", "image/jpeg", 5, QByteArray("\xff\xd8\xff\x00\x01", 5), {}};
    const WriteResult inlined = WRITE(appendMessage(image, done));
    VERIFY_OK(inlined);
    Message file;
    file.conversationId = QStringLiteral("t1");
    file.kind = MessageKind::File;
    file.body = QStringLiteral("the contract");
    file.attachment =
        Attachment{"contract.pdf", "application/pdf", 2000000, {}, "attachments/2/contract.pdf"};
    const WriteResult stored = WRITE(appendMessage(file, done));
    VERIFY_OK(stored);

    const QList<Message> history = m_reader->history(QStringLiteral("t1"));
    QCOMPARE(history.size(), 2);
    QVERIFY(history[0].attachment);
    QCOMPARE(history[0].attachment->name, QStringLiteral("photo.jpg"));
    QCOMPARE(history[0].attachment->size, 5);
    QVERIFY(history[0].attachment->data.isEmpty()); // paging never loads the bytes
    QCOMPARE(m_reader->attachmentData(inlined.id), QByteArray("\xff\xd8\xff\x00\x01", 5));
    QCOMPARE(history[1].attachment->path, QStringLiteral("attachments/2/contract.pdf"));
    QVERIFY(m_reader->attachmentData(stored.id).isNull());

    Message noFile;
    noFile.conversationId = QStringLiteral("t1");
    noFile.kind = MessageKind::Image;
    VERIFY_FAILS(WRITE(appendMessage(noFile, done)), "invalid");

    VERIFY_OK(WRITE(editMessage(stored.id, QStringLiteral("the signed contract"), 777, done)));
    const Message edited = m_reader->history(QStringLiteral("t1")).at(1);
    QCOMPARE(edited.body, QStringLiteral("the signed contract"));
    QCOMPARE(edited.editedAt, 777);
    QCOMPARE(m_reader->history(QStringLiteral("t1")).at(0).editedAt, 0);
    VERIFY_FAILS(WRITE(editMessage(999, QStringLiteral("x"), 1, done)), "not-found");
}

void TestStoreQueries::sequencePerConversation()
{
    // Interleaved arrivals on three conversations, all in flight at once: each conversation's
    // numbers run 1, 2, 3... in the order the writes were submitted, and ids rise with submission.
    const QStringList ids{"a", "b", "c"};
    for (const QString &id : ids)
        seedConversation(id, QStringLiteral("cust-") + id);
    QHash<QString, QList<qint64>> seqs;
    QList<qint64> messageIds;
    for (int i = 0; i < 300; ++i) {
        const QString conv = ids[(i * 7 + i / 5) % 3];
        Message m;
        m.conversationId = conv;
        m.body = QString::number(seqs[conv].size() + 1);
        seqs[conv].append(0);
        m_writer->appendMessage(m, [conv, i, &seqs, &messageIds](const WriteResult &r) {
            QVERIFY(r.ok);
            messageIds.append(r.id);
            // The completion reports the number the message got.
            QList<qint64> &list = seqs[conv];
            for (qint64 &s : list) {
                if (s == 0) {
                    s = r.seq;
                    break;
                }
            }
            Q_UNUSED(i);
        });
    }
    QVERIFY(m_writer->flush(10000));
    QCOMPARE(messageIds.size(), 300);
    QVERIFY(std::is_sorted(messageIds.begin(), messageIds.end()));
    for (const QString &conv : ids) {
        const QList<qint64> &got = seqs[conv];
        for (int k = 0; k < got.size(); ++k)
            QCOMPARE(got[k], k + 1);
        const QList<Message> stored = m_reader->history(conv, 0, 1000);
        QCOMPARE(stored.size(), got.size());
        for (const Message &m : stored)
            QCOMPARE(m.body, QString::number(m.seq)); // submission order = sequence order
    }
}

void TestStoreQueries::decisions()
{
    DecisionRecord d;
    d.seq = 7;
    d.at = 1000;
    d.kind = QStringLiteral("assigned");
    d.conversationId = QStringLiteral("t1"); // the log takes decisions for conversations it does not hold
    d.agentId = QStringLiteral("alice");
    d.reason = QStringLiteral("least-load");
    d.detail = QStringLiteral("load 1/5");
    d.explanation =
        QJsonObject{{"candidates", QJsonArray{QJsonObject{{"agent", "bob"}, {"verdict", "higher-load"}}}}};
    const WriteResult first = WRITE(appendDecision(d, done));
    VERIFY_OK(first);
    QCOMPARE(first.seq, 7);
    const WriteResult dup = WRITE(appendDecision(d, done));
    VERIFY_FAILS(dup, "conflict");
    QVERIFY2(dup.error.contains(QLatin1String("already recorded")), qPrintable(dup.error));
    d.seq = 0; // numbered by the store
    d.kind = QStringLiteral("reassigned");
    d.fromAgentId = QStringLiteral("alice");
    d.agentId = QStringLiteral("bob");
    d.reason = QStringLiteral("reply-timeout");
    const WriteResult numbered = WRITE(appendDecision(d, done));
    VERIFY_OK(numbered);
    QCOMPARE(numbered.seq, 8);
    d.kind.clear();
    VERIFY_FAILS(WRITE(appendDecision(d, done)), "invalid");

    const QList<DecisionRecord> log = m_reader->decisionsFor(QStringLiteral("t1"));
    QCOMPARE(log.size(), 2);
    QCOMPARE(log[0].seq, 7);
    QCOMPARE(log[0].detail, QStringLiteral("load 1/5"));
    QCOMPARE(
        log[0].explanation[QLatin1String("candidates")].toArray()[0][QLatin1String("verdict")].toString(),
        QStringLiteral("higher-load"));
    QVERIFY(log[0].fromAgentId.isEmpty());
    QCOMPARE(log[1].fromAgentId, QStringLiteral("alice"));
    QCOMPARE(log[1].reason, QStringLiteral("reply-timeout"));
    QVERIFY(m_reader->decisionsFor(QStringLiteral("t2")).isEmpty());
}

void TestStoreQueries::engineEvents()
{
    for (int i = 0; i < 25; ++i)
        m_writer->appendEngineEvent({0,
                                     1000 + i,
                                     QStringLiteral("customer-message"),
                                     QJsonObject{{"conversation", QStringLiteral("t%1").arg(i)}, {"n", i}},
                                     {}});
    VERIFY_FAILS(WRITE(appendEngineEvent({0, 1, {}, {}, {}}, done)), "invalid");
    QList<EngineEvent> events = m_reader->engineEventsSince(0, 10);
    QCOMPARE(events.size(), 10);
    QCOMPARE(events[0].id, 1);
    QCOMPARE(events[0].payload[QLatin1String("conversation")].toString(), QStringLiteral("t0"));
    events = m_reader->engineEventsSince(events.last().id, 100);
    QCOMPARE(events.size(), 15);
    QCOMPARE(events.last().id, 25);
    QCOMPARE(events.last().at, 1024);
    QCOMPARE(events.last().type, QStringLiteral("customer-message"));
    QCOMPARE(events.last().payload[QLatin1String("n")].toInt(), 24);
    QVERIFY(m_reader->engineEventsSince(25).isEmpty());

    // A payload handed over as JSON text is stored as it is (the QJsonObject, if any, ignored) and
    // read back as the object.
    EngineEvent text{0, 2000, QStringLiteral("customer.message"), QJsonObject{{"ignored", true}}, {}};
    text.payloadJson = R"({"conversation":"t9","text":"你好 \"x\""})";
    const WriteResult r = WRITE(appendEngineEvent(text, done));
    VERIFY_OK(r);
    events = m_reader->engineEventsSince(25);
    QCOMPARE(events.size(), 1);
    QCOMPARE(events[0].id, r.id);
    QCOMPARE(events[0].payload,
             (QJsonObject{{"conversation", "t9"}, {"text", QStringLiteral("你好 \"x\"")}}));
}

void TestStoreQueries::settings()
{
    VERIFY_OK(WRITE(putSetting(QStringLiteral("routing.replyTimeoutSeconds"), 60, done)));
    VERIFY_OK(WRITE(putSetting(QStringLiteral("site.name"), QStringLiteral("九龍補習社"), done)));
    VERIFY_OK(WRITE(putSetting(QStringLiteral("alerts"), QJsonObject{{"yellow", 300}, {"red", 600}}, done)));
    VERIFY_OK(WRITE(putSetting(QStringLiteral("routing.replyTimeoutSeconds"), 90, done)));
    VERIFY_FAILS(WRITE(putSetting(QString(), 1, done)), "invalid");
    QCOMPARE(m_reader->setting(QStringLiteral("routing.replyTimeoutSeconds")), std::optional<QJsonValue>(90));
    QCOMPARE(m_reader->setting(QStringLiteral("site.name"))->toString(), QStringLiteral("九龍補習社"));
    QCOMPARE(m_reader->setting(QStringLiteral("alerts"))->toObject()[QLatin1String("red")].toInt(), 600);
    QVERIFY(!m_reader->setting(QStringLiteral("missing")));
    VERIFY_OK(WRITE(deleteSetting(QStringLiteral("alerts"), done)));
    QVERIFY(!m_reader->setting(QStringLiteral("alerts")));
    QVERIFY(m_reader->lastError().isEmpty());
    VERIFY_OK(WRITE(deleteSetting(QStringLiteral("alerts"), done))); // already gone: nothing to do
    QCOMPARE(m_reader->setting(QStringLiteral("site.name"))->toString(), QStringLiteral("九龍補習社"));
}

void TestStoreQueries::quickReplies()
{
    const WriteResult hello = WRITE(upsertQuickReply({0, "greeting", {}, "Hello", "您好！"}, done));
    VERIFY_OK(hello);
    QVERIFY(hello.id > 0);
    const WriteResult bye = WRITE(upsertQuickReply({0, "closing", "wechat", "Bye", "再見"}, done));
    VERIFY_OK(bye);
    QCOMPARE(m_reader->quickReplies().size(), 2);
    QCOMPARE(m_reader->quickReplies(QStringLiteral("web")).size(), 1);
    QCOMPARE(m_reader->quickReplies(QStringLiteral("wechat")).size(), 2);
    VERIFY_OK(WRITE(upsertQuickReply({hello.id, "greeting", "web", "Hello", "Hi!"}, done)));
    const QList<QuickReply> web = m_reader->quickReplies(QStringLiteral("web"));
    QCOMPARE(web.size(), 1);
    QCOMPARE(web[0].text, QStringLiteral("Hi!"));
    QCOMPARE(web[0].channel, QStringLiteral("web"));
    QCOMPARE(m_reader->quickReplies(QStringLiteral("wechat")).size(), 1);
    VERIFY_FAILS(WRITE(upsertQuickReply({999, "greeting", {}, "Ghost", "x"}, done)), "not-found");
    VERIFY_FAILS(WRITE(upsertQuickReply({0, {}, {}, "No category", "x"}, done)), "invalid");
    VERIFY_OK(WRITE(deleteQuickReply(bye.id, done)));
    VERIFY_FAILS(WRITE(deleteQuickReply(bye.id, done)), "not-found");
    QCOMPARE(m_reader->quickReplies().size(), 1);
}

QTEST_GUILESS_MAIN(TestStoreQueries)
#include "tst_storequeries.moc"
