<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_TW" sourcelanguage="en">
<context>
    <name>QObject</name>
    <message>
        <source>cannot create the folder %1</source>
        <translation>無法建立資料夾 %1</translation>
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
        <translation>在本機執行一個示範站台（含模擬的客戶與同事），並以其中一位客服的身分登入。</translation>
    </message>
    <message>
        <source>Demo traffic speed factor.</source>
        <translation>示範流量的速度倍率。</translation>
    </message>
    <message>
        <source>Language: en, zh_CN or zh_TW (default: preferences, then the system&apos;s).</source>
        <translation>語言：en、zh_CN 或 zh_TW（預設：先依偏好設定，再依系統設定）。</translation>
    </message>
    <message>
        <source>Theme: light or dark.</source>
        <translation>主題：light（淺色）或 dark（深色）。</translation>
    </message>
    <message>
        <source>Save a picture of the main window to this file some seconds after it opens, then quit (for the docs).</source>
        <translation>主視窗開啟數秒後將其截圖儲存至此檔案，然後結束（用於文件）。</translation>
    </message>
    <message>
        <source>Seconds to wait before --screenshot.</source>
        <translation>--screenshot 之前等待的秒數。</translation>
    </message>
</context>
<context>
    <name>sb::AgentPicker</name>
    <message>
        <source>Transfer the conversation</source>
        <translation>轉接會話</translation>
    </message>
    <message>
        <source>Invite an expert</source>
        <translation>邀請專家</translation>
    </message>
    <message>
        <source>Search by name, skill or group</source>
        <translation>依姓名、技能或群組搜尋</translation>
    </message>
    <message>
        <source>&amp;Agents</source>
        <translation>客服(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Groups</source>
        <translation>群組(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Transfer</source>
        <translation>轉接(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Invite</source>
        <translation>邀請(&amp;I)</translation>
    </message>
    <message>
        <source>Agents who are offline, away or at their maximum are greyed; a transfer to them may be refused.</source>
        <translation>離線、離開或已達接待上限的客服會以灰色顯示；轉接給他們可能會被拒絕。</translation>
    </message>
    <message>
        <source>Loading the agents…</source>
        <translation>正在載入客服清單…</translation>
    </message>
</context>
<context>
    <name>sb::ConversationPanel</name>
    <message>
        <source>Internal &amp;note</source>
        <translation>內部備註(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Send</source>
        <translation>傳送(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Claim</source>
        <translation>認領(&amp;C)</translation>
    </message>
    <message>
        <source>Choose a conversation in the inbox.</source>
        <translation>請在收件匣中選擇一個會話。</translation>
    </message>
    <message>
        <source>Conversation history</source>
        <translation>會話記錄</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>回覆</translation>
    </message>
    <message>
        <source>&amp;Quick replies</source>
        <translation>快速回覆(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Attach file…</source>
        <translation>附加檔案(&amp;A)…</translation>
    </message>
    <message>
        <source>Write an internal note (only agents see it)…</source>
        <translation>輸入內部備註（僅客服可見）…</translation>
    </message>
    <message>
        <source>Write a reply… (Enter sends, Shift+Enter for a new line, / for quick replies)</source>
        <translation>輸入回覆…（Enter 傳送，Shift+Enter 換行，/ 叫出快速回覆）</translation>
    </message>
    <message>
        <source>Add &amp;note</source>
        <translation>新增備註(&amp;N)</translation>
    </message>
    <message>
        <source>This conversation is no longer in your inbox.</source>
        <translation>此會話已不在你的收件匣中。</translation>
    </message>
    <message>
        <source>assigned to you</source>
        <translation>已指派給你</translation>
    </message>
    <message>
        <source>you were invited by %1; your messages are internal notes</source>
        <translation>%1 邀請了你；你傳送的訊息皆為內部備註</translation>
    </message>
    <message>
        <source>waiting in %1, position %2</source>
        <translation>在 %1 中等候，排第 %2 位</translation>
    </message>
    <message>
        <source>no rule matched; waiting for an administrator</source>
        <translation>沒有符合的規則；等候管理員處理</translation>
    </message>
    <message>
        <source>%1 · %2 · conversation %3</source>
        <translation>%1 · %2 · 會話 %3</translation>
    </message>
    <message>
        <source>This customer is waiting in the queue. Claim the conversation to answer.</source>
        <translation>此客戶正在佇列中等候。認領此會話後即可回覆。</translation>
    </message>
    <message>
        <source>Send a file</source>
        <translation>傳送檔案</translation>
    </message>
    <message>
        <source>File too large</source>
        <translation>檔案過大</translation>
    </message>
    <message>
        <source>%1 is %2; files up to %3 can be sent.</source>
        <translation>%1 的大小為 %2；只能傳送不超過 %3 的檔案。</translation>
    </message>
    <message>
        <source>Cannot read the file</source>
        <translation>無法讀取檔案</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Save the file</source>
        <translation>儲存檔案</translation>
    </message>
    <message>
        <source>Cannot save the file</source>
        <translation>無法儲存檔案</translation>
    </message>
</context>
<context>
    <name>sb::CoordinatorConnection</name>
    <message>
        <source>Signed out.</source>
        <translation>已登出。</translation>
    </message>
    <message>
        <source>Not connected to a coordinator.</source>
        <translation>未連線到協調伺服器。</translation>
    </message>
    <message>
        <source>This coordinator speaks another protocol version (%1). Update Switchboard on this desk or on the coordinator.</source>
        <translation>此協調伺服器使用不同的協定版本（%1）。請更新本工作台或協調伺服器上的 Switchboard。</translation>
    </message>
    <message>
        <source>Wrong user name or password.</source>
        <translation>使用者名稱或密碼錯誤。</translation>
    </message>
    <message>
        <source>Cannot reach the coordinator at %1 (%2).</source>
        <translation>無法連線到位於 %1 的協調伺服器（%2）。</translation>
    </message>
    <message>
        <source>The connection dropped before the answer came.</source>
        <translation>收到回應之前連線已中斷。</translation>
    </message>
    <message>
        <source>The coordinator at %1 presents a certificate that cannot be accepted (%2).</source>
        <translation>位於 %1 的協調伺服器提供的憑證無法接受（%2）。</translation>
    </message>
    <message>
        <source>The coordinator at %1 presents a different certificate from the one this computer trusted before. It may have been renewed, or someone may be intercepting the connection: trust the new one only if its SHA-256 fingerprint is the one your administrator gives you.
%2</source>
        <translation>位於 %1 的協調伺服器提供的憑證與本機先前信任的不同。憑證可能已更新，也可能有人正在攔截連線：只有在新憑證的 SHA-256 指紋與管理員提供的一致時，才可信任它。
%2</translation>
    </message>
    <message>
        <source>No authority this computer trusts vouches for the certificate of the coordinator at %1 (%2). Trust it only if its SHA-256 fingerprint is the one your administrator gives you (switchboard-coordinator prints it when it starts).
%3</source>
        <translation>位於 %1 的協調伺服器的憑證未經本機信任的任何機構認證（%2）。只有在其 SHA-256 指紋與管理員提供的一致時，才可信任它（switchboard-coordinator 啟動時會列印該指紋）。
%3</translation>
    </message>
</context>
<context>
    <name>sb::CustomerPanel</name>
    <message>
        <source>Customer</source>
        <translation>客戶</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>姓名：</translation>
    </message>
    <message>
        <source>Channel:</source>
        <translation>管道：</translation>
    </message>
    <message>
        <source>Conversation</source>
        <translation>會話</translation>
    </message>
    <message>
        <source>Arrived:</source>
        <translation>進線時間：</translation>
    </message>
    <message>
        <source>Groups:</source>
        <translation>群組：</translation>
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
        <translation>標籤：</translation>
    </message>
    <message>
        <source>Owner:</source>
        <translation>負責人：</translation>
    </message>
    <message>
        <source>CRM id:</source>
        <translation>CRM 編號：</translation>
    </message>
    <message>
        <source>★ VIP</source>
        <translation>★ VIP 客戶</translation>
    </message>
    <message>
        <source>Previous tickets</source>
        <translation>歷史工單</translation>
    </message>
    <message>
        <source>Opened</source>
        <translation>建立時間</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>管道</translation>
    </message>
    <message>
        <source>Handled by</source>
        <translation>處理客服</translation>
    </message>
    <message>
        <source>Rating</source>
        <translation>評分</translation>
    </message>
    <message>
        <source>Conversation %1</source>
        <translation>會話 %1</translation>
    </message>
    <message>
        <source>First contact</source>
        <translation>首次聯絡</translation>
    </message>
</context>
<context>
    <name>sb::DeskClient</name>
    <message>
        <source>This conversation is no longer yours.</source>
        <translation>此會話已不再由你負責。</translation>
    </message>
    <message>
        <source>This conversation was handed on (%1).</source>
        <translation>此會話已移交（%1）。</translation>
    </message>
    <message>
        <source>This conversation was closed.</source>
        <translation>此會話已關閉。</translation>
    </message>
    <message>
        <source>Conversation claimed.</source>
        <translation>已認領會話。</translation>
    </message>
    <message>
        <source>Conversation transferred to %1.</source>
        <translation>會話已轉接給 %1。</translation>
    </message>
    <message>
        <source>Conversation transferred to the group %1.</source>
        <translation>會話已轉接到群組 %1。</translation>
    </message>
    <message>
        <source>%1 was invited.</source>
        <translation>已邀請 %1。</translation>
    </message>
    <message>
        <source>Conversation closed.</source>
        <translation>會話已關閉。</translation>
    </message>
    <message>
        <source>The survey was sent.</source>
        <translation>滿意度調查已傳送。</translation>
    </message>
    <message>
        <source>A new ticket was opened.</source>
        <translation>已建立新工單。</translation>
    </message>
    <message>
        <source>Not connected: %1</source>
        <translation>未連線：%1</translation>
    </message>
    <message>
        <source>The connection dropped; try again when it is back.</source>
        <translation>連線已中斷；請在連線恢復後再試一次。</translation>
    </message>
</context>
<context>
    <name>sb::DesktopApp</name>
    <message>
        <source>Switchboard demo</source>
        <translation>Switchboard 示範</translation>
    </message>
    <message>
        <source>The demo could not start: %1</source>
        <translation>示範無法啟動：%1</translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation>已登出</translation>
    </message>
    <message>
        <source>no temporary folder for the demo&apos;s data</source>
        <translation>沒有可存放示範資料的暫存資料夾</translation>
    </message>
    <message>
        <source>Demo administrator</source>
        <translation>示範管理員</translation>
    </message>
    <message>
        <source>An administrator disabled your account, so you were signed out. Ask them to enable it again before you sign in.</source>
        <translation>管理員已停用你的帳號，你已被登出。請先聯絡管理員重新啟用帳號，再登入。</translation>
    </message>
    <message>
        <source>An administrator gave your account a new password, so you were signed out. Sign in with the new password.</source>
        <translation>管理員已為你的帳號設定新密碼，你已被登出。請用新密碼登入。</translation>
    </message>
    <message>
        <source>The coordinator ended this session. Please sign in again.</source>
        <translation>協調伺服器已終止本次登入。請重新登入。</translation>
    </message>
    <message>
        <source>The coordinator ended this session: %1</source>
        <translation>協調伺服器已終止本次登入：%1</translation>
    </message>
    <message>
        <source>Your unsent internal note on the conversation with %1 is kept: it comes back when you sign in again, and you can copy it from the details.</source>
        <translation>你在與 %1 的會話中未傳送的內部備註已保留：重新登入後會放回原處，也可以從詳細資料中複製。</translation>
    </message>
    <message>
        <source>Your unsent reply to %1 is kept: it comes back when you sign in again, and you can copy it from the details.</source>
        <translation>你寫給 %1 的未傳送回覆已保留：重新登入後會放回原處，也可以從詳細資料中複製。</translation>
    </message>
    <message>
        <source>Unsent draft</source>
        <translation>未傳送的草稿</translation>
    </message>
    <message>
        <source>The conversation with %1 is no longer in your inbox, so your unsent text could not be put back. You can copy it from the details.</source>
        <translation>與 %1 的會話已不在你的收件匣中，未傳送的文字無法放回。你可以從詳細資料中複製。</translation>
    </message>
</context>
<context>
    <name>sb::DirectoryModel</name>
    <message>
        <source>Online</source>
        <translation>線上</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>忙碌</translation>
    </message>
    <message>
        <source>Away</source>
        <translation>離開</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>離線</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>客服</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>狀態</translation>
    </message>
    <message>
        <source>Load</source>
        <translation>負載</translation>
    </message>
    <message>
        <source>Skills</source>
        <translation>技能</translation>
    </message>
    <message>
        <source>Groups</source>
        <translation>群組</translation>
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
        <translation>客戶</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>管道</translation>
    </message>
    <message>
        <source>Last message</source>
        <translation>最新訊息</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>等候時間</translation>
    </message>
    <message>
        <source>Unread</source>
        <translation>未讀</translation>
    </message>
    <message>
        <source>Waiting in %1, position %2</source>
        <translation>在 %1 中等候，排第 %2 位</translation>
    </message>
    <message>
        <source>You were invited by %1</source>
        <translation>%1 邀請了你</translation>
    </message>
    <message>
        <source>Assigned to you</source>
        <translation>已指派給你</translation>
    </message>
</context>
<context>
    <name>sb::InboxPanel</name>
    <message>
        <source>Search customers and messages (Ctrl+F)</source>
        <translation>搜尋客戶與訊息（Ctrl+F）</translation>
    </message>
    <message>
        <source>Inbox</source>
        <translation>收件匣</translation>
    </message>
    <message>
        <source>Claim</source>
        <translation>認領</translation>
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
        <translation>佇列 (%1)</translation>
    </message>
    <message>
        <source>Queue (%1 of %2)</source>
        <translation>佇列 (%1/%2)</translation>
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
        <translation>我的狀態：只有在「線上」時才會指派新會話</translation>
    </message>
    <message>
        <source>My status</source>
        <translation>我的狀態</translation>
    </message>
    <message>
        <source>Load: %1 of %2</source>
        <translation>負載：%1/%2</translation>
    </message>
    <message>
        <source>The customer of %1 rated the conversation %2 of 5.</source>
        <translation>會話 %1 的客戶給了 %2 分（滿分 5 分）。</translation>
    </message>
    <message>
        <source>&amp;Claim</source>
        <translation>認領(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Transfer…</source>
        <translation>轉接(&amp;T)…</translation>
    </message>
    <message>
        <source>&amp;Invite an expert…</source>
        <translation>邀請專家(&amp;I)…</translation>
    </message>
    <message>
        <source>Send the &amp;survey</source>
        <translation>傳送滿意度調查(&amp;S)</translation>
    </message>
    <message>
        <source>C&amp;lose conversation</source>
        <translation>關閉會話(&amp;L)</translation>
    </message>
    <message>
        <source>New &amp;ticket for this customer</source>
        <translation>為此客戶建立新工單(&amp;T)</translation>
    </message>
    <message>
        <source>Internal &amp;note</source>
        <translation>內部備註(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Quick replies</source>
        <translation>快速回覆(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Attach file…</source>
        <translation>附加檔案(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Search the inbox</source>
        <translation>搜尋收件匣(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Next conversation</source>
        <translation>下一個會話(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Previous conversation</source>
        <translation>上一個會話(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>偏好設定(&amp;P)…</translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation>登出(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>結束(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>檔案(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Conversation</source>
        <translation>會話(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>檢視(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Status</source>
        <translation>狀態(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>說明(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About Switchboard</source>
        <translation>關於 Switchboard(&amp;A)</translation>
    </message>
    <message>
        <source>About Switchboard</source>
        <translation>關於 Switchboard</translation>
    </message>
    <message>
        <source>&lt;b&gt;Switchboard&lt;/b&gt; %1&lt;br&gt;The customer-service desk and routing coordinator.</source>
        <translation>&lt;b&gt;Switchboard&lt;/b&gt; %1&lt;br&gt;客服工作台與會話路由協調伺服器。</translation>
    </message>
    <message>
        <source>Actions</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Status: </source>
        <translation>狀態：</translation>
    </message>
    <message>
        <source>● Connected to %1</source>
        <translation>● 已連線到 %1</translation>
    </message>
    <message>
        <source>● Offline — reconnecting…</source>
        <translation>● 離線 — 正在重新連線…</translation>
    </message>
    <message>
        <source>● Connecting…</source>
        <translation>● 正在連線…</translation>
    </message>
    <message>
        <source>● Signed out</source>
        <translation>● 已登出</translation>
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
        <translation>客戶</translation>
    </message>
    <message>
        <source>Internal note · %1</source>
        <translation>內部備註 · %1</translation>
    </message>
    <message>
        <source>📎 %1 (%2) — double-click to save</source>
        <translation>📎 %1（%2）— 按兩下以儲存</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>正在傳送…</translation>
    </message>
    <message>
        <source>Not sent: %1</source>
        <translation>未傳送：%1</translation>
    </message>
</context>
<context>
    <name>sb::PreferencesDialog</name>
    <message>
        <source>Play a &amp;sound when a conversation is assigned to me</source>
        <translation>有會話指派給我時播放提示音(&amp;S)</translation>
    </message>
    <message>
        <source>Preferences</source>
        <translation>偏好設定</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>跟隨系統語言</translation>
    </message>
    <message>
        <source>System theme</source>
        <translation>跟隨系統主題</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>淺色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>語言(&amp;L)：</translation>
    </message>
    <message>
        <source>&amp;Theme:</source>
        <translation>主題(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Forget them</source>
        <translation>全部忘記(&amp;F)</translation>
    </message>
    <message>
        <source>Trusted certificates:</source>
        <translation>已信任的憑證：</translation>
    </message>
    <message>
        <source>None</source>
        <translation>無</translation>
    </message>
</context>
<context>
    <name>sb::QuickReplyPicker</name>
    <message>
        <source>Search quick replies</source>
        <translation>搜尋快速回覆</translation>
    </message>
</context>
<context>
    <name>sb::SignInDialog</name>
    <message>
        <source>&amp;Host on this computer</source>
        <translation>在本機執行協調伺服器(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Remember me on this computer</source>
        <translation>在這台電腦上記住我(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Sign in</source>
        <translation>登入(&amp;S)</translation>
    </message>
    <message>
        <source>Sign in to Switchboard</source>
        <translation>登入 Switchboard</translation>
    </message>
    <message>
        <source>Switchboard</source>
        <translation>Switchboard</translation>
    </message>
    <message>
        <source>Customer conversations, routed to the right agent.</source>
        <translation>讓每段客戶會話都找到合適的客服。</translation>
    </message>
    <message>
        <source>ws://coordinator.example:8765</source>
        <translation>ws://coordinator.example:8765</translation>
    </message>
    <message>
        <source>This coordinator is new. Create its first administrator: choose a user name and a password of at least %1 characters.</source>
        <translation>這是一台新的協調伺服器。請建立第一位管理員：設定使用者名稱，以及至少 %1 個字元的密碼。</translation>
    </message>
    <message>
        <source>Port:</source>
        <translation>連接埠：</translation>
    </message>
    <message>
        <source>Coordinator &amp;address:</source>
        <translation>協調伺服器位址(&amp;A)：</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>使用者名稱(&amp;U)：</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>密碼(&amp;P)：</translation>
    </message>
    <message>
        <source>Your &amp;name:</source>
        <translation>你的姓名(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;Confirm password:</source>
        <translation>確認密碼(&amp;C)：</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>結束(&amp;Q)</translation>
    </message>
    <message>
        <source>This computer is the coordinator. Colleagues enter: %1</source>
        <translation>本機即為協調伺服器。同事請輸入：%1</translation>
    </message>
    <message>
        <source>The coordinator will run inside this app, keep its data on this computer, and accept colleagues&apos; desks on the local network.</source>
        <translation>協調伺服器將在本應用程式內執行，資料儲存在本機，並接受區域網路內同事的工作台連線。</translation>
    </message>
    <message>
        <source>Enter your user name and password.</source>
        <translation>請輸入使用者名稱與密碼。</translation>
    </message>
    <message>
        <source>Starting the coordinator on this computer…</source>
        <translation>正在本機啟動協調伺服器…</translation>
    </message>
    <message>
        <source>The coordinator could not start: %1</source>
        <translation>協調伺服器無法啟動：%1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a coordinator address; it looks like ws://host:8765.</source>
        <translation>「%1」不是協調伺服器位址；位址格式類似 ws://host:8765。</translation>
    </message>
    <message>
        <source>The password needs at least %1 characters.</source>
        <translation>密碼至少需要 %1 個字元。</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>兩次輸入的密碼不一致。</translation>
    </message>
    <message>
        <source>Enter your name as customers and colleagues should see it.</source>
        <translation>請輸入你的姓名（客戶與同事會看到此名稱）。</translation>
    </message>
    <message>
        <source>Creating the administrator…</source>
        <translation>正在建立管理員…</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>正在連線到 %1…</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>正在登入…</translation>
    </message>
    <message>
        <source>&amp;Create administrator</source>
        <translation>建立管理員(&amp;C)</translation>
    </message>
    <message>
        <source>This computer is the coordinator, but it has no network address colleagues can reach: only this desk can connect.</source>
        <translation>本機已作為協調伺服器執行，但沒有同事可以連線的網路位址：只有本工作台能夠連線。</translation>
    </message>
    <message>
        <source>&amp;Trust this certificate</source>
        <translation>信任此憑證(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Trust the new certificate</source>
        <translation>信任新憑證(&amp;T)</translation>
    </message>
    <message>
        <source>Setup co&amp;de:</source>
        <translation>設定碼(&amp;D)：</translation>
    </message>
    <message>
        <source>XXXX-XXXX-XXXX-XXXX</source>
        <translation>XXXX-XXXX-XXXX-XXXX</translation>
    </message>
    <message>
        <source>The coordinator runs on another computer: enter the setup code it printed when it started (&quot;Setup code: …&quot; among switchboard-coordinator&apos;s first lines).</source>
        <translation>協調伺服器在另一台電腦上執行：請輸入它啟動時列印的設定碼（switchboard-coordinator 開頭幾行中的「Setup code: …」）。</translation>
    </message>
    <message>
        <source>Enter the setup code the coordinator printed when it started.</source>
        <translation>請輸入協調伺服器啟動時列印的設定碼。</translation>
    </message>
</context>
<context>
    <name>sb::TrayNotifier</name>
    <message>
        <source>Show Switchboard</source>
        <translation>顯示 Switchboard</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>結束</translation>
    </message>
    <message>
        <source>Switchboard</source>
        <translation>Switchboard</translation>
    </message>
    <message numerus="yes">
        <source>Switchboard: %n unread</source>
        <translation>
            <numerusform>Switchboard：%n 則未讀</numerusform>
        </translation>
    </message>
    <message>
        <source>New conversation</source>
        <translation>新會話</translation>
    </message>
    <message>
        <source>%1 was assigned to you.</source>
        <translation>%1 已指派給你。</translation>
    </message>
    <message>
        <source>You were invited</source>
        <translation>你收到了邀請</translation>
    </message>
    <message>
        <source>A colleague asks for your help with %1.</source>
        <translation>有同事請你協助處理 %1。</translation>
    </message>
</context>
</TS>
