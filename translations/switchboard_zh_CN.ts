<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>QObject</name>
    <message>
        <source>cannot create the folder %1</source>
        <translation>无法创建文件夹 %1</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Switchboard: the customer-service desk.</source>
        <translation>Switchboard：客服工作台。</translation>
    </message>
    <message>
        <source>Host a demo site here with simulated customers and colleagues, and sign in as one of its agents.</source>
        <translation>在本机运行一个演示站点（含模拟的客户和同事），并以其中一名客服的身份登录。</translation>
    </message>
    <message>
        <source>Demo traffic speed factor.</source>
        <translation>演示流量的速度倍数。</translation>
    </message>
    <message>
        <source>Language: en, zh_CN or zh_TW (default: preferences, then the system&apos;s).</source>
        <translation>语言：en、zh_CN 或 zh_TW（默认：先按首选项，再按系统设置）。</translation>
    </message>
    <message>
        <source>Theme: light or dark.</source>
        <translation>主题：light（浅色）或 dark（深色）。</translation>
    </message>
    <message>
        <source>Save a picture of the main window to this file some seconds after it opens, then quit (for the docs).</source>
        <translation>主窗口打开几秒后将其截图保存到此文件，然后退出（用于文档）。</translation>
    </message>
    <message>
        <source>Seconds to wait before --screenshot.</source>
        <translation>--screenshot 之前等待的秒数。</translation>
    </message>
</context>
<context>
    <name>sb::AgentPicker</name>
    <message>
        <source>Transfer the conversation</source>
        <translation>转接会话</translation>
    </message>
    <message>
        <source>Invite an expert</source>
        <translation>邀请专家</translation>
    </message>
    <message>
        <source>Search by name, skill or group</source>
        <translation>按姓名、技能或分组搜索</translation>
    </message>
    <message>
        <source>&amp;Agents</source>
        <translation>客服(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Groups</source>
        <translation>分组(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Transfer</source>
        <translation>转接(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Invite</source>
        <translation>邀请(&amp;I)</translation>
    </message>
    <message>
        <source>Agents who are offline, away or at their maximum are greyed; a transfer to them may be refused.</source>
        <translation>离线、离开或已达接待上限的客服显示为灰色；转接给他们可能会被拒绝。</translation>
    </message>
    <message>
        <source>Loading the agents…</source>
        <translation>正在加载客服列表…</translation>
    </message>
</context>
<context>
    <name>sb::ConversationPanel</name>
    <message>
        <source>Internal &amp;note</source>
        <translation>内部备注(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Send</source>
        <translation>发送(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Claim</source>
        <translation>认领(&amp;C)</translation>
    </message>
    <message>
        <source>Choose a conversation in the inbox.</source>
        <translation>请在收件箱中选择一个会话。</translation>
    </message>
    <message>
        <source>Conversation history</source>
        <translation>会话记录</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>回复</translation>
    </message>
    <message>
        <source>&amp;Quick replies</source>
        <translation>快捷回复(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Attach file…</source>
        <translation>添加附件(&amp;A)…</translation>
    </message>
    <message>
        <source>Write an internal note (only agents see it)…</source>
        <translation>输入内部备注（仅客服可见）…</translation>
    </message>
    <message>
        <source>Write a reply… (Enter sends, Shift+Enter for a new line, / for quick replies)</source>
        <translation>输入回复…（Enter 发送，Shift+Enter 换行，/ 调出快捷回复）</translation>
    </message>
    <message>
        <source>Add &amp;note</source>
        <translation>添加备注(&amp;N)</translation>
    </message>
    <message>
        <source>This conversation is no longer in your inbox.</source>
        <translation>此会话已不在你的收件箱中。</translation>
    </message>
    <message>
        <source>assigned to you</source>
        <translation>已分配给你</translation>
    </message>
    <message>
        <source>you were invited by %1; your messages are internal notes</source>
        <translation>%1 邀请了你；你发送的消息均为内部备注</translation>
    </message>
    <message>
        <source>waiting in %1, position %2</source>
        <translation>在 %1 中等待，排第 %2 位</translation>
    </message>
    <message>
        <source>no rule matched; waiting for an administrator</source>
        <translation>没有匹配的规则；等待管理员处理</translation>
    </message>
    <message>
        <source>%1 · %2 · conversation %3</source>
        <translation>%1 · %2 · 会话 %3</translation>
    </message>
    <message>
        <source>This customer is waiting in the queue. Claim the conversation to answer.</source>
        <translation>该客户正在队列中等待。认领此会话后即可回复。</translation>
    </message>
    <message>
        <source>Send a file</source>
        <translation>发送文件</translation>
    </message>
    <message>
        <source>File too large</source>
        <translation>文件过大</translation>
    </message>
    <message>
        <source>%1 is %2; files up to %3 can be sent.</source>
        <translation>%1 的大小为 %2；只能发送不超过 %3 的文件。</translation>
    </message>
    <message>
        <source>Cannot read the file</source>
        <translation>无法读取文件</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Save the file</source>
        <translation>保存文件</translation>
    </message>
    <message>
        <source>Cannot save the file</source>
        <translation>无法保存文件</translation>
    </message>
</context>
<context>
    <name>sb::CoordinatorConnection</name>
    <message>
        <source>Signed out.</source>
        <translation>已退出登录。</translation>
    </message>
    <message>
        <source>Not connected to a coordinator.</source>
        <translation>未连接到协调服务器。</translation>
    </message>
    <message>
        <source>This coordinator speaks another protocol version (%1). Update Switchboard on this desk or on the coordinator.</source>
        <translation>该协调服务器使用的协议版本不同（%1）。请更新本工作台或协调服务器上的 Switchboard。</translation>
    </message>
    <message>
        <source>Wrong user name or password.</source>
        <translation>用户名或密码错误。</translation>
    </message>
    <message>
        <source>Cannot reach the coordinator at %1 (%2).</source>
        <translation>无法连接位于 %1 的协调服务器（%2）。</translation>
    </message>
    <message>
        <source>The connection dropped before the answer came.</source>
        <translation>收到响应之前连接已断开。</translation>
    </message>
    <message>
        <source>The coordinator at %1 presents a certificate that cannot be accepted (%2).</source>
        <translation>位于 %1 的协调服务器提供的证书无法接受（%2）。</translation>
    </message>
    <message>
        <source>The coordinator at %1 presents a different certificate from the one this computer trusted before. It may have been renewed, or someone may be intercepting the connection: trust the new one only if its SHA-256 fingerprint is the one your administrator gives you.
%2</source>
        <translation>位于 %1 的协调服务器提供的证书与本机之前信任的不同。证书可能已更新，也可能有人正在截获连接：只有当新证书的 SHA-256 指纹与管理员提供的一致时，才可信任它。
%2</translation>
    </message>
    <message>
        <source>No authority this computer trusts vouches for the certificate of the coordinator at %1 (%2). Trust it only if its SHA-256 fingerprint is the one your administrator gives you (switchboard-coordinator prints it when it starts).
%3</source>
        <translation>位于 %1 的协调服务器的证书未经本机信任的任何机构认证（%2）。只有当其 SHA-256 指纹与管理员提供的一致时，才可信任它（switchboard-coordinator 启动时会打印该指纹）。
%3</translation>
    </message>
</context>
<context>
    <name>sb::CustomerPanel</name>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>姓名：</translation>
    </message>
    <message>
        <source>Channel:</source>
        <translation>渠道：</translation>
    </message>
    <message>
        <source>Conversation</source>
        <translation>会话</translation>
    </message>
    <message>
        <source>Arrived:</source>
        <translation>接入时间：</translation>
    </message>
    <message>
        <source>Groups:</source>
        <translation>分组：</translation>
    </message>
    <message>
        <source>Skills:</source>
        <translation>技能：</translation>
    </message>
    <message>
        <source>Agent:</source>
        <translation>客服：</translation>
    </message>
    <message>
        <source>Invited:</source>
        <translation>受邀客服：</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>Tags:</source>
        <translation>标签：</translation>
    </message>
    <message>
        <source>Owner:</source>
        <translation>负责人：</translation>
    </message>
    <message>
        <source>CRM id:</source>
        <translation>CRM 编号：</translation>
    </message>
    <message>
        <source>★ VIP</source>
        <translation>★ VIP 客户</translation>
    </message>
    <message>
        <source>Previous tickets</source>
        <translation>历史工单</translation>
    </message>
    <message>
        <source>Opened</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <source>Handled by</source>
        <translation>处理客服</translation>
    </message>
    <message>
        <source>Rating</source>
        <translation>评分</translation>
    </message>
    <message>
        <source>Conversation %1</source>
        <translation>会话 %1</translation>
    </message>
    <message>
        <source>First contact</source>
        <translation>首次联系</translation>
    </message>
</context>
<context>
    <name>sb::DeskClient</name>
    <message>
        <source>This conversation is no longer yours.</source>
        <translation>此会话已不再由你负责。</translation>
    </message>
    <message>
        <source>This conversation was handed on (%1).</source>
        <translation>此会话已移交（%1）。</translation>
    </message>
    <message>
        <source>This conversation was closed.</source>
        <translation>此会话已关闭。</translation>
    </message>
    <message>
        <source>Conversation claimed.</source>
        <translation>已认领会话。</translation>
    </message>
    <message>
        <source>Conversation transferred to %1.</source>
        <translation>会话已转接给 %1。</translation>
    </message>
    <message>
        <source>Conversation transferred to the group %1.</source>
        <translation>会话已转接到分组 %1。</translation>
    </message>
    <message>
        <source>%1 was invited.</source>
        <translation>已邀请 %1。</translation>
    </message>
    <message>
        <source>Conversation closed.</source>
        <translation>会话已关闭。</translation>
    </message>
    <message>
        <source>The survey was sent.</source>
        <translation>满意度调查已发送。</translation>
    </message>
    <message>
        <source>A new ticket was opened.</source>
        <translation>已新建工单。</translation>
    </message>
    <message>
        <source>Not connected: %1</source>
        <translation>未连接：%1</translation>
    </message>
    <message>
        <source>The connection dropped; try again when it is back.</source>
        <translation>连接已断开；请在连接恢复后重试。</translation>
    </message>
</context>
<context>
    <name>sb::DesktopApp</name>
    <message>
        <source>Switchboard demo</source>
        <translation>Switchboard 演示</translation>
    </message>
    <message>
        <source>The demo could not start: %1</source>
        <translation>演示无法启动：%1</translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation>已退出登录</translation>
    </message>
    <message>
        <source>no temporary folder for the demo&apos;s data</source>
        <translation>没有可存放演示数据的临时文件夹</translation>
    </message>
    <message>
        <source>Demo administrator</source>
        <translation>演示管理员</translation>
    </message>
    <message>
        <source>An administrator disabled your account, so you were signed out. Ask them to enable it again before you sign in.</source>
        <translation>管理员已停用你的账号，你已被退出登录。请先联系管理员重新启用账号，再登录。</translation>
    </message>
    <message>
        <source>An administrator gave your account a new password, so you were signed out. Sign in with the new password.</source>
        <translation>管理员已为你的账号设置了新密码，你已被退出登录。请用新密码登录。</translation>
    </message>
    <message>
        <source>The coordinator ended this session. Please sign in again.</source>
        <translation>协调服务器已终止本次登录。请重新登录。</translation>
    </message>
    <message>
        <source>The coordinator ended this session: %1</source>
        <translation>协调服务器已终止本次登录：%1</translation>
    </message>
    <message>
        <source>Your unsent internal note on the conversation with %1 is kept: it comes back when you sign in again, and you can copy it from the details.</source>
        <translation>你在与 %1 的会话中未发送的内部备注已保留：重新登录后会放回原处，也可以从详细信息中复制。</translation>
    </message>
    <message>
        <source>Your unsent reply to %1 is kept: it comes back when you sign in again, and you can copy it from the details.</source>
        <translation>你写给 %1 的未发送回复已保留：重新登录后会放回原处，也可以从详细信息中复制。</translation>
    </message>
    <message>
        <source>Unsent draft</source>
        <translation>未发送的草稿</translation>
    </message>
    <message>
        <source>The conversation with %1 is no longer in your inbox, so your unsent text could not be put back. You can copy it from the details.</source>
        <translation>与 %1 的会话已不在你的收件箱中，未发送的文字无法放回。你可以从详细信息中复制。</translation>
    </message>
</context>
<context>
    <name>sb::DirectoryModel</name>
    <message>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>忙碌</translation>
    </message>
    <message>
        <source>Away</source>
        <translation>离开</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>客服</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Load</source>
        <translation>负载</translation>
    </message>
    <message>
        <source>Skills</source>
        <translation>技能</translation>
    </message>
    <message>
        <source>Groups</source>
        <translation>分组</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1/%2</translation>
    </message>
</context>
<context>
    <name>sb::InboxModel</name>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <source>Last message</source>
        <translation>最新消息</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>等待时长</translation>
    </message>
    <message>
        <source>Unread</source>
        <translation>未读</translation>
    </message>
    <message>
        <source>Waiting in %1, position %2</source>
        <translation>在 %1 中等待，排第 %2 位</translation>
    </message>
    <message>
        <source>You were invited by %1</source>
        <translation>%1 邀请了你</translation>
    </message>
    <message>
        <source>Assigned to you</source>
        <translation>已分配给你</translation>
    </message>
</context>
<context>
    <name>sb::InboxPanel</name>
    <message>
        <source>Search customers and messages (Ctrl+F)</source>
        <translation>搜索客户和消息（Ctrl+F）</translation>
    </message>
    <message>
        <source>Inbox</source>
        <translation>收件箱</translation>
    </message>
    <message>
        <source>Claim</source>
        <translation>认领</translation>
    </message>
    <message>
        <source>All (%1)</source>
        <translation>全部 (%1)</translation>
    </message>
    <message>
        <source>Mine (%1)</source>
        <translation>我的 (%1)</translation>
    </message>
    <message>
        <source>Queue (%1)</source>
        <translation>队列 (%1)</translation>
    </message>
    <message>
        <source>Queue (%1 of %2)</source>
        <translation>队列 (%1/%2)</translation>
    </message>
</context>
<context>
    <name>sb::MainWindow</name>
    <message>
        <source>Switchboard — %1</source>
        <translation>Switchboard — %1</translation>
    </message>
    <message>
        <source>My status: new conversations come only while online</source>
        <translation>我的状态：仅在“在线”时才会分配新会话</translation>
    </message>
    <message>
        <source>My status</source>
        <translation>我的状态</translation>
    </message>
    <message>
        <source>Load: %1 of %2</source>
        <translation>负载：%1/%2</translation>
    </message>
    <message>
        <source>The customer of %1 rated the conversation %2 of 5.</source>
        <translation>会话 %1 的客户给出了 %2 分（满分 5 分）。</translation>
    </message>
    <message>
        <source>&amp;Claim</source>
        <translation>认领(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Transfer…</source>
        <translation>转接(&amp;T)…</translation>
    </message>
    <message>
        <source>&amp;Invite an expert…</source>
        <translation>邀请专家(&amp;I)…</translation>
    </message>
    <message>
        <source>Send the &amp;survey</source>
        <translation>发送满意度调查(&amp;S)</translation>
    </message>
    <message>
        <source>C&amp;lose conversation</source>
        <translation>关闭会话(&amp;L)</translation>
    </message>
    <message>
        <source>New &amp;ticket for this customer</source>
        <translation>为该客户新建工单(&amp;T)</translation>
    </message>
    <message>
        <source>Internal &amp;note</source>
        <translation>内部备注(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Quick replies</source>
        <translation>快捷回复(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Attach file…</source>
        <translation>添加附件(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Search the inbox</source>
        <translation>搜索收件箱(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Next conversation</source>
        <translation>下一个会话(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Previous conversation</source>
        <translation>上一个会话(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>首选项(&amp;P)…</translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation>退出登录(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Conversation</source>
        <translation>会话(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Status</source>
        <translation>状态(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About Switchboard</source>
        <translation>关于 Switchboard(&amp;A)</translation>
    </message>
    <message>
        <source>About Switchboard</source>
        <translation>关于 Switchboard</translation>
    </message>
    <message>
        <source>&lt;b&gt;Switchboard&lt;/b&gt; %1&lt;br&gt;The customer-service desk and routing coordinator.</source>
        <translation>&lt;b&gt;Switchboard&lt;/b&gt; %1&lt;br&gt;客服工作台与会话路由协调服务器。</translation>
    </message>
    <message>
        <source>Actions</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Status: </source>
        <translation>状态：</translation>
    </message>
    <message>
        <source>● Connected to %1</source>
        <translation>● 已连接到 %1</translation>
    </message>
    <message>
        <source>● Offline — reconnecting…</source>
        <translation>● 离线 — 正在重新连接…</translation>
    </message>
    <message>
        <source>● Connecting…</source>
        <translation>● 正在连接…</translation>
    </message>
    <message>
        <source>● Signed out</source>
        <translation>● 已退出登录</translation>
    </message>
    <message>
        <source>⚠ %1</source>
        <translation>⚠ %1</translation>
    </message>
</context>
<context>
    <name>sb::MessageDelegate</name>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Internal note · %1</source>
        <translation>内部备注 · %1</translation>
    </message>
    <message>
        <source>📎 %1 (%2) — double-click to save</source>
        <translation>📎 %1（%2）— 双击保存</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>正在发送…</translation>
    </message>
    <message>
        <source>Not sent: %1</source>
        <translation>未发送：%1</translation>
    </message>
</context>
<context>
    <name>sb::PreferencesDialog</name>
    <message>
        <source>Play a &amp;sound when a conversation is assigned to me</source>
        <translation>有会话分配给我时播放提示音(&amp;S)</translation>
    </message>
    <message>
        <source>Preferences</source>
        <translation>首选项</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>跟随系统语言</translation>
    </message>
    <message>
        <source>System theme</source>
        <translation>跟随系统主题</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>语言(&amp;L)：</translation>
    </message>
    <message>
        <source>&amp;Theme:</source>
        <translation>主题(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Forget them</source>
        <translation>全部忘记(&amp;F)</translation>
    </message>
    <message>
        <source>Trusted certificates:</source>
        <translation>已信任的证书：</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
</context>
<context>
    <name>sb::QuickReplyPicker</name>
    <message>
        <source>Search quick replies</source>
        <translation>搜索快捷回复</translation>
    </message>
</context>
<context>
    <name>sb::SignInDialog</name>
    <message>
        <source>&amp;Host on this computer</source>
        <translation>在本机运行协调服务器(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Remember me on this computer</source>
        <translation>在此电脑上记住我(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Sign in</source>
        <translation>登录(&amp;S)</translation>
    </message>
    <message>
        <source>Sign in to Switchboard</source>
        <translation>登录 Switchboard</translation>
    </message>
    <message>
        <source>Switchboard</source>
        <translation>Switchboard</translation>
    </message>
    <message>
        <source>Customer conversations, routed to the right agent.</source>
        <translation>让每个客户会话都找到合适的客服。</translation>
    </message>
    <message>
        <source>ws://coordinator.example:8765</source>
        <translation>ws://coordinator.example:8765</translation>
    </message>
    <message>
        <source>This coordinator is new. Create its first administrator: choose a user name and a password of at least %1 characters.</source>
        <translation>这是一个新的协调服务器。请创建第一个管理员：设置用户名，以及至少 %1 个字符的密码。</translation>
    </message>
    <message>
        <source>Port:</source>
        <translation>端口：</translation>
    </message>
    <message>
        <source>Coordinator &amp;address:</source>
        <translation>协调服务器地址(&amp;A)：</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>用户名(&amp;U)：</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>密码(&amp;P)：</translation>
    </message>
    <message>
        <source>Your &amp;name:</source>
        <translation>你的姓名(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;Confirm password:</source>
        <translation>确认密码(&amp;C)：</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>This computer is the coordinator. Colleagues enter: %1</source>
        <translation>本机即为协调服务器。同事请输入：%1</translation>
    </message>
    <message>
        <source>The coordinator will run inside this app, keep its data on this computer, and accept colleagues&apos; desks on the local network.</source>
        <translation>协调服务器将在本应用内运行，数据保存在本机，并接受局域网内同事的工作台连接。</translation>
    </message>
    <message>
        <source>Enter your user name and password.</source>
        <translation>请输入用户名和密码。</translation>
    </message>
    <message>
        <source>Starting the coordinator on this computer…</source>
        <translation>正在本机启动协调服务器…</translation>
    </message>
    <message>
        <source>The coordinator could not start: %1</source>
        <translation>协调服务器无法启动：%1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a coordinator address; it looks like ws://host:8765.</source>
        <translation>“%1”不是协调服务器地址；地址格式类似 ws://host:8765。</translation>
    </message>
    <message>
        <source>The password needs at least %1 characters.</source>
        <translation>密码至少需要 %1 个字符。</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
        <source>Enter your name as customers and colleagues should see it.</source>
        <translation>请输入你的姓名（客户和同事将看到此名称）。</translation>
    </message>
    <message>
        <source>Creating the administrator…</source>
        <translation>正在创建管理员…</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>正在连接 %1…</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>正在登录…</translation>
    </message>
    <message>
        <source>&amp;Create administrator</source>
        <translation>创建管理员(&amp;C)</translation>
    </message>
    <message>
        <source>This computer is the coordinator, but it has no network address colleagues can reach: only this desk can connect.</source>
        <translation>本机已作为协调服务器运行，但没有同事可以访问的网络地址：只有本工作台能够连接。</translation>
    </message>
    <message>
        <source>&amp;Trust this certificate</source>
        <translation>信任此证书(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Trust the new certificate</source>
        <translation>信任新证书(&amp;T)</translation>
    </message>
    <message>
        <source>Setup co&amp;de:</source>
        <translation>设置码(&amp;D)：</translation>
    </message>
    <message>
        <source>XXXX-XXXX-XXXX-XXXX</source>
        <translation>XXXX-XXXX-XXXX-XXXX</translation>
    </message>
    <message>
        <source>The coordinator runs on another computer: enter the setup code it printed when it started (&quot;Setup code: …&quot; among switchboard-coordinator&apos;s first lines).</source>
        <translation>协调服务器运行在另一台电脑上：请输入它启动时打印的设置码（switchboard-coordinator 开头几行中的“Setup code: …”）。</translation>
    </message>
    <message>
        <source>Enter the setup code the coordinator printed when it started.</source>
        <translation>请输入协调服务器启动时打印的设置码。</translation>
    </message>
</context>
<context>
    <name>sb::TrayNotifier</name>
    <message>
        <source>Show Switchboard</source>
        <translation>显示 Switchboard</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Switchboard</source>
        <translation>Switchboard</translation>
    </message>
    <message numerus="yes">
        <source>Switchboard: %n unread</source>
        <translation>
            <numerusform>Switchboard：%n 条未读</numerusform>
        </translation>
    </message>
    <message>
        <source>New conversation</source>
        <translation>新会话</translation>
    </message>
    <message>
        <source>%1 was assigned to you.</source>
        <translation>%1 已分配给你。</translation>
    </message>
    <message>
        <source>You were invited</source>
        <translation>你收到了邀请</translation>
    </message>
    <message>
        <source>A colleague asks for your help with %1.</source>
        <translation>有同事请你协助处理 %1。</translation>
    </message>
</context>
</TS>
