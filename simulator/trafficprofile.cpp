#include "trafficprofile.h"

namespace sb {

QStringList sampleOpeningMessages()
{
    return {
        QStringLiteral("Hello, where is my order? It was due yesterday."),
        QStringLiteral("Can I change the delivery address for order 10482?"),
        QStringLiteral("你好，我想問中學英文課程幾時開始？"),
        QStringLiteral("請問小學英文班還有位嗎？"),
        QStringLiteral("我想退货，请问怎么操作？"),
        QStringLiteral("订单显示已发货，但是一直没有收到。"),
        QStringLiteral("Do you have the secondary English course on Saturdays?"),
        QStringLiteral("I was charged twice for the same invoice."),
        QStringLiteral("請問可以用八達通付款嗎？"),
        QStringLiteral("The app keeps logging me out 😞"),
        QStringLiteral("I'd like to upgrade my membership."),
        QStringLiteral("发票抬头写错了，可以重新开吗？"),
        QStringLiteral("Is the shop open on public holidays?"),
        QStringLiteral("我想報名中學英文補習，學費幾多？"),
        QStringLiteral("My refund hasn't arrived yet."),
        QStringLiteral("會員積分點樣換禮品？"),
    };
}

} // namespace sb
