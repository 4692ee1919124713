<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AboutTab</name>
    <message>
        <source>Xinhe %1</source>
        <translation>馨和 %1</translation>
    </message>
    <message>
        <source>Vault: %1</source>
        <translation>数据库位置：%1</translation>
    </message>
    <message>
        <source>Schema version: %1</source>
        <translation>数据结构版本：%1</translation>
    </message>
    <message>
        <source>Studio server: %1</source>
        <translation>工作室服务器：%1</translation>
    </message>
    <message>
        <source>PostgreSQL %1</source>
        <translation>PostgreSQL %1</translation>
    </message>
    <message>
        <source>SQLCipher %1</source>
        <translation>SQLCipher 加密库 %1</translation>
    </message>
    <message>
        <source>Workstation binding: on</source>
        <translation>工作站绑定：已启用</translation>
    </message>
    <message>
        <source>Workstation binding: off (no secure keyring on this computer)</source>
        <translation>工作站绑定：未启用（本机没有安全的系统密钥环）</translation>
    </message>
</context>
<context>
    <name>AcceptDispatchDialog</name>
    <message>
        <source>Accept a platform dispatch</source>
        <translation>受理平台分拨</translation>
    </message>
    <message>
        <source>Is this client already on file? Pick the same person, or create a new client.</source>
        <translation>这位当事人是否已有档案？请选择同一人，或新建当事人。</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>当事人</translation>
    </message>
    <message>
        <source>Born</source>
        <translation>出生年份</translation>
    </message>
    <message>
        <source>Why shown</source>
        <translation>列出原因</translation>
    </message>
    <message>
        <source>Cases</source>
        <translation>个案</translation>
    </message>
    <message>
        <source>Responsible counsellor</source>
        <translation>责任咨询师</translation>
    </message>
    <message>
        <source>Accept and assign</source>
        <translation>受理并分配</translation>
    </message>
    <message>
        <source>Platform ref.</source>
        <translation>平台编号</translation>
    </message>
    <message>
        <source>Platform grade</source>
        <translation>平台分级</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>First contact by</source>
        <translation>首次联系时限</translation>
    </message>
    <message>
        <source>Dispatched by</source>
        <translation>分拨单位</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>摘要</translation>
    </message>
    <message>
        <source>New client: %1</source>
        <translation>新建当事人：%1</translation>
    </message>
    <message>
        <source>same ID number</source>
        <translation>证件号相同</translation>
    </message>
    <message>
        <source>same phone</source>
        <translation>电话相同</translation>
    </message>
    <message>
        <source>same name and year of birth</source>
        <translation>姓名和出生年份相同</translation>
    </message>
    <message>
        <source>same name</source>
        <translation>姓名相同</translation>
    </message>
    <message>
        <source>similar name</source>
        <translation>姓名读音相近</translation>
    </message>
</context>
<context>
    <name>AdminPage</name>
    <message>
        <source>Welcome to Xinhe</source>
        <translation>欢迎使用馨和</translation>
    </message>
    <message>
        <source>Xinhe keeps the studio&apos;s case records on this computer, encrypted. Create the administrator account: they manage accounts, templates and backups, and cannot read case records.</source>
        <translation>馨和把工作室的个案记录加密保存在这台电脑上。请创建管理员账户：管理员负责账户、模板和备份，但不能查看个案记录。</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <source>Restore from a backup file…</source>
        <translation>从备份文件恢复……</translation>
    </message>
    <message>
        <source>A new computer, or after a disk failure: bring the records back from a backup.</source>
        <translation>换了新电脑或硬盘损坏后：从备份中找回记录。</translation>
    </message>
    <message>
        <source>Join a studio server…</source>
        <translation>加入工作室服务器…</translation>
    </message>
    <message>
        <source>The studio keeps its records on its own server: sign in to it from here instead of creating a vault on this computer.</source>
        <translation>工作室的记录保存在自己的服务器上：在这里登录服务器，而不是在本机建立保险库。</translation>
    </message>
    <message>
        <source>Xinhe Home Studio</source>
        <translation>馨和家园工作室</translation>
    </message>
    <message>
        <source>e.g. 张敏</source>
        <translation>例如：张敏</translation>
    </message>
    <message>
        <source>e.g. zhangmin</source>
        <translation>例如：zhangmin</translation>
    </message>
    <message>
        <source>Studio name</source>
        <translation>机构名称</translation>
    </message>
    <message>
        <source>It appears on referral documents and reports.</source>
        <translation>该名称会出现在转介文书和报表上。</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Login name</source>
        <translation>登录名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Password again</source>
        <translation>再次输入密码</translation>
    </message>
    <message numerus="yes">
        <source>At least %n characters. A short sentence is easier to remember and harder to guess.</source>
        <translation>
            <numerusform>至少 %n 个字符。用一句短话作密码，好记又难猜。</numerusform>
        </translation>
    </message>
    <message>
        <source>Creating the encrypted vault…</source>
        <translation>正在创建加密数据库……</translation>
    </message>
    <message numerus="yes">
        <source>The password needs at least %n characters.</source>
        <translation>
            <numerusform>密码至少需要 %n 个字符。</numerusform>
        </translation>
    </message>
    <message>
        <source>The two passwords are not the same.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>AdminScreen</name>
    <message>
        <source>This desk works on the studio server: the records are not on this computer, so there is nothing to back up here. The IT person backs up the studio server on the server itself with `xinhe server backup` (best as a daily scheduled job) and restores it with `xinhe server restore` and the recovery key; see the studio server guide (docs/server.md, section 9).</source>
        <translation>本工作站使用工作室服务器：记录不在这台电脑上，这里没有需要备份的内容。工作室服务器的备份由技术人员在服务器上用 `xinhe server backup` 完成（最好设为每天的定时任务），恢复用 `xinhe server restore` 和恢复密钥；详见工作室服务器指南（docs/server.md 第 9 节）。</translation>
    </message>
    <message>
        <source>On the studio server the keys are looked after by the IT person. The recovery key was shown once by `xinhe server init`: keep it in the safe, away from the backups (`xinhe server restore` needs it). Re-encrypting the records and making a new recovery key are features of a local vault; the studio server does not offer them.</source>
        <translation>工作室服务器的密钥由技术人员管理。恢复密钥在执行 `xinhe server init` 时显示过一次：请封存在保险柜里，与备份分开保管（`xinhe server restore` 需要它）。重新加密记录和更换恢复密钥是本机数据库的功能，工作室服务器不提供。</translation>
    </message>
    <message>
        <source>Administration</source>
        <translation>系统管理</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Templates</source>
        <translation>模板</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>自动锁定</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>密钥</translation>
    </message>
    <message>
        <source>Backup</source>
        <translation>备份</translation>
    </message>
    <message>
        <source>Referrals</source>
        <translation>转介设置</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Audit</source>
        <translation>审计</translation>
    </message>
    <message>
        <source>About</source>
        <translation>关于</translation>
    </message>
</context>
<context>
    <name>AgencyPage</name>
    <message>
        <source>Who receives the referral, and why</source>
        <translation>接收机构与转介目的</translation>
    </message>
    <message>
        <source>Case %1 · %2</source>
        <translation>个案 %1 · %2</translation>
    </message>
    <message>
        <source>Receiving agency</source>
        <translation>接收机构</translation>
    </message>
    <message>
        <source>Purpose</source>
        <translation>转介目的</translation>
    </message>
    <message>
        <source>Only what this agency&apos;s field policy allows is sent, and only with the client&apos;s consent for this purpose and this agency (or a recorded legal basis).</source>
        <translation>只发送该机构字段规则允许的内容，并且必须有当事人对这一目的、这一机构的同意（或已记录的法律依据）。</translation>
    </message>
</context>
<context>
    <name>AppointmentDialog</name>
    <message>
        <source>New appointment</source>
        <translation>新建预约</translation>
    </message>
    <message>
        <source>Appointment — case %1</source>
        <translation>预约 — 个案 %1</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>个案</translation>
    </message>
    <message>
        <source>Starts</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Optional</source>
        <translation>选填</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>地点</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>There is no open case to book for.</source>
        <translation>没有可预约的进行中个案。</translation>
    </message>
</context>
<context>
    <name>AppointmentReminder</name>
    <message>
        <source>My appointments today and tomorrow</source>
        <translation>我今天和明天的预约</translation>
    </message>
    <message>
        <source>Reminder</source>
        <translation>提醒</translation>
    </message>
    <message>
        <source>No appointments today or tomorrow.</source>
        <translation>今天和明天没有预约。</translation>
    </message>
</context>
<context>
    <name>AssessmentDialog</name>
    <message>
        <source>Save and sign</source>
        <translation>保存并签名</translation>
    </message>
    <message>
        <source>Sign and start the clocks?</source>
        <translation>签名并开始计时？</translation>
    </message>
    <message>
        <source>Once saved, this record is signed and locked.</source>
        <translation>保存后，这份记录即签名并锁定。</translation>
    </message>
    <message>
        <source>Assessed at</source>
        <translation>评估时间</translation>
    </message>
</context>
<context>
    <name>AuditPanel</name>
    <message>
        <source>The audit chain proves the order of what happened, but not that nothing was cut from its end. Write its current head into the paper register now and then (a supervisor signs beside it); checking later against what was written shows any cut or rewritten end.</source>
        <translation>审计链能证明事件的先后顺序，却不能证明末尾没有被截掉。请不时把当前链头抄入纸质登记簿（督导在旁签名）；日后与所抄内容核对，就能发现末尾被截断或改写。</translation>
    </message>
    <message>
        <source>Copy the head</source>
        <translation>复制链头</translation>
    </message>
    <message>
        <source>Copies it as SEQ:HASH, the form `xinhe audit verify --expect` takes.</source>
        <translation>按“序号:哈希”的格式复制，可直接用于 `xinhe audit verify --expect`。</translation>
    </message>
    <message>
        <source>Check the chain and its witnesses</source>
        <translation>核对审计链及其见证</translation>
    </message>
    <message>
        <source>Current audit chain head: entry %1 · %2</source>
        <translation>审计链当前头：序号 %1 · %2</translation>
    </message>
    <message>
        <source>The audit chain is intact and agrees with every witness.</source>
        <translation>审计链完整，与所有见证相符。</translation>
    </message>
    <message>
        <source>The audit chain has been tampered with.</source>
        <translation>审计链已被篡改。</translation>
    </message>
</context>
<context>
    <name>BackupPanel</name>
    <message>
        <source>No verified backup has been made yet.</source>
        <translation>还没有经过验证的备份。</translation>
    </message>
    <message>
        <source>Last verified backup: %1, %2 (%3).</source>
        <translation>最近一次验证通过的备份：%1，%2（%3）。</translation>
    </message>
    <message>
        <source>Save the backup</source>
        <translation>保存备份</translation>
    </message>
    <message>
        <source>Xinhe backups (*%1)</source>
        <translation>馨和备份文件 (*%1)</translation>
    </message>
    <message>
        <source>It is on the same disk as the vault, so a disk failure would take both: copy it to a USB stick or another computer too.</source>
        <translation>它与数据库在同一块磁盘上，磁盘损坏时两者会一起丢失：请再复制一份到U盘或另一台电脑。</translation>
    </message>
    <message>
        <source>Backup</source>
        <translation>备份</translation>
    </message>
    <message>
        <source>A backup is one encrypted file holding every record, attachment and account. It opens only with the recovery key. Keep copies away from this computer: a USB stick locked away, or the studio&apos;s share.</source>
        <translation>备份是一个加密文件，包含全部记录、附件和账户，只有恢复密钥才能打开。请把备份保存在这台电脑以外的地方：锁好的U盘，或工作室的共享文件夹。</translation>
    </message>
    <message>
        <source>Back up now…</source>
        <translation>立即备份……</translation>
    </message>
    <message>
        <source>Reminder and automatic backups</source>
        <translation>提醒与自动备份</translation>
    </message>
    <message>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <source>Remind when the last backup is older than</source>
        <translation>最近一次备份超过多少天时提醒</translation>
    </message>
    <message>
        <source>e.g. a USB stick or the studio&apos;s share</source>
        <translation>例如U盘或工作室的共享文件夹</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择……</translation>
    </message>
    <message>
        <source>Automatic backup folder</source>
        <translation>自动备份文件夹</translation>
    </message>
    <message>
        <source> backups</source>
        <translation> 份</translation>
    </message>
    <message>
        <source>Keep the last</source>
        <translation>保留最近</translation>
    </message>
    <message>
        <source>Back up when the app locks</source>
        <translation>程序锁定时备份</translation>
    </message>
    <message>
        <source>Back up when the app exits</source>
        <translation>程序退出时备份</translation>
    </message>
    <message>
        <source>Save settings</source>
        <translation>保存设置</translation>
    </message>
    <message numerus="yes">
        <source>Reminder: no verified backup for more than %n day(s).</source>
        <translation>
            <numerusform>提醒：已超过 %n 天没有经过验证的备份。</numerusform>
        </translation>
    </message>
    <message>
        <source>The automatic backup of %1 failed: %2</source>
        <translation>%1 的自动备份失败：%2</translation>
    </message>
    <message>
        <source>Making the backup and checking it…</source>
        <translation>正在制作备份并校验……</translation>
    </message>
    <message>
        <source>Folder for automatic backups</source>
        <translation>自动备份文件夹</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
</context>
<context>
    <name>BackupReminder</name>
    <message>
        <source>Back up now…</source>
        <translation>立即备份……</translation>
    </message>
    <message>
        <source>Backups: made on the studio server by the IT person</source>
        <translation>备份：由技术人员在工作室服务器上完成</translation>
    </message>
    <message>
        <source>Last backup: %1</source>
        <translation>最近备份：%1</translation>
    </message>
    <message>
        <source>No backup yet</source>
        <translation>尚无备份</translation>
    </message>
    <message>
        <source>The automatic backup of %1 failed: %2</source>
        <translation>%1 的自动备份失败：%2</translation>
    </message>
    <message>
        <source>No verified backup of the records has been made yet. If this computer&apos;s disk fails, every record is lost.</source>
        <translation>还没有做过经过验证的备份。这台电脑的磁盘一旦损坏，所有记录都会丢失。</translation>
    </message>
    <message numerus="yes">
        <source>The last verified backup was made %n day(s) ago (%1, %2). Make a new one now.</source>
        <translation>
            <numerusform>最近一次验证通过的备份是 %n 天前（%1，%2）。请现在做一次新的备份。</numerusform>
        </translation>
    </message>
    <message>
        <source>No backup of the records has been made yet: please tell the administrator.</source>
        <translation>记录还没有做过备份：请告诉管理员。</translation>
    </message>
    <message numerus="yes">
        <source>No backup of the records for %n day(s): please tell the administrator.</source>
        <translation>
            <numerusform>记录已有 %n 天没有备份：请告诉管理员。</numerusform>
        </translation>
    </message>
    <message>
        <source>Making the backup and checking it…</source>
        <translation>正在制作备份并校验……</translation>
    </message>
</context>
<context>
    <name>BackupResult</name>
    <message numerus="yes">
        <source>Backup written and verified: %1 (%2, %n case(s)).</source>
        <translation>
            <numerusform>备份已写入并验证：%1（%2，%n 个个案）。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CalendarScreen</name>
    <message>
        <source>Calendar</source>
        <translation>日程</translation>
    </message>
    <message>
        <source>Week</source>
        <translation>周</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>日</translation>
    </message>
    <message>
        <source>◀ Earlier</source>
        <translation>◀ 向前</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>Later ▶</source>
        <translation>向后 ▶</translation>
    </message>
    <message>
        <source>New appointment…</source>
        <translation>新建预约…</translation>
    </message>
    <message>
        <source>Move or edit…</source>
        <translation>改期或修改…</translation>
    </message>
    <message>
        <source>Cancel appointment</source>
        <translation>取消预约</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>What</source>
        <translation>事项</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>个案</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>当事人</translation>
    </message>
    <message>
        <source>Counsellor</source>
        <translation>咨询师</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>地点</translation>
    </message>
    <message>
        <source>Whole studio</source>
        <translation>全工作室</translation>
    </message>
    <message>
        <source>Follow-up visit due</source>
        <translation>回访到期</translation>
    </message>
    <message>
        <source> (overlaps)</source>
        <translation>（时间重叠）</translation>
    </message>
    <message>
        <source>Nothing booked</source>
        <translation>无安排</translation>
    </message>
    <message>
        <source>Monday</source>
        <translation>星期一</translation>
    </message>
    <message>
        <source>Tuesday</source>
        <translation>星期二</translation>
    </message>
    <message>
        <source>Wednesday</source>
        <translation>星期三</translation>
    </message>
    <message>
        <source>Thursday</source>
        <translation>星期四</translation>
    </message>
    <message>
        <source>Friday</source>
        <translation>星期五</translation>
    </message>
    <message>
        <source>Saturday</source>
        <translation>星期六</translation>
    </message>
    <message>
        <source>Sunday</source>
        <translation>星期日</translation>
    </message>
    <message>
        <source>Choose an appointment in the list first.</source>
        <translation>请先在列表中选择一个预约。</translation>
    </message>
    <message>
        <source>Cancel the appointment of case %1? It stays on record as cancelled.</source>
        <translation>取消个案 %1 的这次预约吗？记录会保留并标为已取消。</translation>
    </message>
    <message>
        <source>Saved. Please check: %1</source>
        <translation>已保存。请留意：%1</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
</context>
<context>
    <name>CaseActions</name>
    <message>
        <source>New session note</source>
        <translation>新建咨询记录</translation>
    </message>
    <message>
        <source>Assessment</source>
        <translation>风险评估</translation>
    </message>
    <message>
        <source>Crisis intervention</source>
        <translation>危机干预</translation>
    </message>
    <message>
        <source>Safety plan</source>
        <translation>安全计划</translation>
    </message>
    <message>
        <source>Schedule follow-up</source>
        <translation>安排回访</translation>
    </message>
    <message>
        <source>Referral…</source>
        <translation>转介……</translation>
    </message>
    <message>
        <source>Record for the court…</source>
        <translation>求助记录证明……</translation>
    </message>
    <message>
        <source>Record consent…</source>
        <translation>记录知情同意……</translation>
    </message>
    <message>
        <source>Attach a file…</source>
        <translation>添加附件……</translation>
    </message>
    <message>
        <source>Change risk level…</source>
        <translation>调整风险等级……</translation>
    </message>
    <message>
        <source>Ask a supervisor to review…</source>
        <translation>请督导审阅……</translation>
    </message>
    <message>
        <source>Protection order: application filed…</source>
        <translation>人身安全保护令：已提交申请……</translation>
    </message>
    <message>
        <source>Protection order: court decided…</source>
        <translation>人身安全保护令：法院已裁定……</translation>
    </message>
    <message>
        <source>Police warning letter issued…</source>
        <translation>公安机关已出具告诫书……</translation>
    </message>
    <message>
        <source>Minor: harm suspected (report at once)</source>
        <translation>未成年人：疑似受侵害（须立即报告）</translation>
    </message>
    <message>
        <source>Minor: reported to police…</source>
        <translation>未成年人：已向公安机关报告……</translation>
    </message>
    <message>
        <source>Set case status…</source>
        <translation>设置个案状态……</translation>
    </message>
    <message>
        <source>Reassign to another counsellor…</source>
        <translation>改派给其他咨询师……</translation>
    </message>
    <message>
        <source>Responsible supervisor…</source>
        <translation>指定负责督导……</translation>
    </message>
    <message>
        <source>Close the case…</source>
        <translation>结案……</translation>
    </message>
    <message>
        <source>Share with a colleague…</source>
        <translation>共享给同事……</translation>
    </message>
    <message>
        <source>Ask to close the case…</source>
        <translation>申请结案……</translation>
    </message>
    <message>
        <source>Continue writing</source>
        <translation>继续编辑</translation>
    </message>
    <message>
        <source>Only its author can continue a draft note. Once it is signed, anyone on the case can add an addendum.</source>
        <translation>只有作者本人可以继续编辑草稿。签名后，负责这个个案的人员都可以添加补充说明。</translation>
    </message>
    <message>
        <source>Add an addendum…</source>
        <translation>添加补充说明……</translation>
    </message>
    <message>
        <source>Complete it…</source>
        <translation>补充完成…</translation>
    </message>
    <message>
        <source>Record the visit…</source>
        <translation>记录回访……</translation>
    </message>
    <message>
        <source>Continue the referral…</source>
        <translation>继续办理转介……</translation>
    </message>
    <message>
        <source>Withdraw this consent…</source>
        <translation>撤回此同意……</translation>
    </message>
    <message>
        <source>View</source>
        <translation>查看</translation>
    </message>
    <message>
        <source>New assessment</source>
        <translation>新建评估</translation>
    </message>
    <message>
        <source>Which form?</source>
        <translation>选择表单</translation>
    </message>
    <message>
        <source>Complete: %1</source>
        <translation>补充完成：%1</translation>
    </message>
    <message>
        <source>Addendum</source>
        <translation>补充说明</translation>
    </message>
    <message>
        <source>The signed record stays as it is. Write the correction or addition; it is signed with your name and today&apos;s date.</source>
        <translation>已签名的记录保持不变。请写下更正或补充内容，系统会以您的姓名和今天的日期签署。</translation>
    </message>
    <message>
        <source>Attach a file</source>
        <translation>添加附件</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Withdraw consent</source>
        <translation>撤回同意</translation>
    </message>
    <message>
        <source>The client withdraws this consent (or the legal basis no longer applies)? Referrals already sent are not recalled; no new referral may rest on it. This cannot be undone: record a new consent if she agrees again.</source>
        <translation>确认当事人撤回这项同意（或该法定依据已不再适用）？已经发出的转介不会撤回，但今后的转介不能再以此为依据。此操作无法撤销；如当事人再次同意，请重新登记。</translation>
    </message>
    <message>
        <source>Schedule a follow-up</source>
        <translation>安排回访</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>到期时间</translation>
    </message>
    <message>
        <source>Planned method</source>
        <translation>计划方式</translation>
    </message>
    <message>
        <source>Change the risk level</source>
        <translation>调整风险等级</translation>
    </message>
    <message>
        <source>Professional judgement may set the level. The reason is kept in the case&apos;s risk history and the audit log.</source>
        <translation>可依专业判断设定风险等级。理由会记入个案的风险历史和审计日志。</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Back to the assessed level</source>
        <translation>恢复为评估得出的等级</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>Ask a supervisor</source>
        <translation>请督导审阅</translation>
    </message>
    <message>
        <source>What should the supervisor look at?</source>
        <translation>请督导重点看什么？</translation>
    </message>
    <message>
        <source>Protection-order application</source>
        <translation>人身安全保护令申请</translation>
    </message>
    <message>
        <source>The court decides within 72 hours, or 24 hours when urgent.</source>
        <translation>法院应在 72 小时内作出裁定；情况紧急的，应在 24 小时内作出。</translation>
    </message>
    <message>
        <source>Filed at</source>
        <translation>提交时间</translation>
    </message>
    <message>
        <source>Urgent (24 hours)</source>
        <translation>情况紧急（24 小时）</translation>
    </message>
    <message>
        <source>Court</source>
        <translation>法院</translation>
    </message>
    <message>
        <source>Protection order: the court&apos;s decision</source>
        <translation>人身安全保护令：法院裁定</translation>
    </message>
    <message>
        <source>An order lasts at most six months.</source>
        <translation>保护令有效期最长六个月。</translation>
    </message>
    <message>
        <source>Decided at</source>
        <translation>裁定时间</translation>
    </message>
    <message>
        <source>Granted</source>
        <translation>已核发</translation>
    </message>
    <message>
        <source>Expires on</source>
        <translation>到期日</translation>
    </message>
    <message>
        <source>Police warning letter</source>
        <translation>告诫书</translation>
    </message>
    <message>
        <source>A follow-up visit is scheduled within 7 days of the letter.</source>
        <translation>系统会在告诫书出具后 7 天内安排一次回访。</translation>
    </message>
    <message>
        <source>Issued at</source>
        <translation>出具时间</translation>
    </message>
    <message>
        <source>Reported to police</source>
        <translation>已向公安机关报告</translation>
    </message>
    <message>
        <source>Reported at</source>
        <translation>报告时间</translation>
    </message>
    <message>
        <source>Reported by</source>
        <translation>报告人</translation>
    </message>
    <message>
        <source>Police reference</source>
        <translation>公安受案编号</translation>
    </message>
    <message>
        <source>Case status</source>
        <translation>个案状态</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Counsellor</source>
        <translation>咨询师</translation>
    </message>
    <message>
        <source>Reassign the case</source>
        <translation>改派个案</translation>
    </message>
    <message>
        <source>Responsible supervisor</source>
        <translation>负责督导</translation>
    </message>
    <message>
        <source>The supervisor who follows this case; shown in its header.</source>
        <translation>跟进本个案的督导，会显示在个案标题栏中。</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>督导</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（不指定）</translation>
    </message>
    <message>
        <source>Share the case</source>
        <translation>共享个案</translation>
    </message>
    <message>
        <source>Close the case</source>
        <translation>结案</translation>
    </message>
    <message>
        <source>Open follow-ups are cancelled. Closed cases are kept until their retention time.</source>
        <translation>未完成的回访将被取消。已结案个案会保存到保管期限届满。</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Ask to close the case</source>
        <translation>申请结案</translation>
    </message>
    <message>
        <source>A supervisor decides; the request waits in their review queue.</source>
        <translation>由督导决定；申请会进入督导审核队列。</translation>
    </message>
    <message>
        <source>Why can the case be closed?</source>
        <translation>结案理由</translation>
    </message>
</context>
<context>
    <name>CaseListPanel</name>
    <message>
        <source>Case number or client name</source>
        <translation>个案编号或当事人姓名</translation>
    </message>
    <message>
        <source>Any risk</source>
        <translation>全部风险等级</translation>
    </message>
    <message>
        <source>Open cases</source>
        <translation>未结案个案</translation>
    </message>
    <message>
        <source>Any category</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <source>Any counsellor</source>
        <translation>全部咨询师</translation>
    </message>
    <message>
        <source>Overdue only</source>
        <translation>只看逾期</translation>
    </message>
    <message>
        <source>New case (Ctrl+N)</source>
        <translation>新建个案 (Ctrl+N)</translation>
    </message>
    <message>
        <source>%1 of %2 cases shown</source>
        <translation>显示 %1 个，共 %2 个个案</translation>
    </message>
</context>
<context>
    <name>CaseTable</name>
    <message>
        <source>Case no.</source>
        <translation>个案编号</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>当事人</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Risk</source>
        <translation>风险</translation>
    </message>
    <message>
        <source>Counsellor</source>
        <translation>咨询师</translation>
    </message>
    <message>
        <source>Community</source>
        <translation>社区</translation>
    </message>
    <message>
        <source>Opened</source>
        <translation>开案日期</translation>
    </message>
    <message>
        <source>Next due</source>
        <translation>下次到期</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>已逾期</translation>
    </message>
</context>
<context>
    <name>CaseView</name>
    <message>
        <source>Referral to %1</source>
        <translation>转介至%1</translation>
    </message>
    <message>
        <source>Follow-up visit</source>
        <translation>回访</translation>
    </message>
    <message>
        <source>Imported from the register</source>
        <translation>从登记表导入</translation>
    </message>
    <message>
        <source>Legal basis: %1</source>
        <translation>法定依据：%1</translation>
    </message>
    <message>
        <source>Consent: %1</source>
        <translation>知情同意：%1</translation>
    </message>
    <message>
        <source>Report to the platform: %1</source>
        <translation>向平台上报：%1</translation>
    </message>
    <message>
        <source>Crisis intervention</source>
        <translation>危机干预</translation>
    </message>
    <message>
        <source>on site</source>
        <translation>现场干预</translation>
    </message>
    <message>
        <source>Addenda</source>
        <translation>补充说明</translation>
    </message>
    <message>
        <source>File %1, row %2</source>
        <translation>文件 %1，第 %2 行</translation>
    </message>
    <message>
        <source>Imported summary (not a signed session note)</source>
        <translation>导入的情况摘要（不是签名的咨询记录）</translation>
    </message>
    <message>
        <source>How it was given</source>
        <translation>同意方式</translation>
    </message>
    <message>
        <source>Given by</source>
        <translation>同意人</translation>
    </message>
    <message>
        <source>Legal basis</source>
        <translation>法定依据</translation>
    </message>
    <message>
        <source>Situation</source>
        <translation>情况说明</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Withdrawn</source>
        <translation>已撤回</translation>
    </message>
    <message>
        <source>No new referral may rest on this any more.</source>
        <translation>今后的转介不能再以此为依据。</translation>
    </message>
    <message>
        <source>Referrals for this purpose to this agency may rest on it until it is withdrawn.</source>
        <translation>撤回之前，为此目的向该机构的转介可以此为依据。</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <source>%1 person(s)</source>
        <translation>%1 人</translation>
    </message>
    <message>
        <source>co-signed by %1</source>
        <translation>督导 %1 已会签</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>到期</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>By</source>
        <translation>记录人</translation>
    </message>
    <message>
        <source>Nothing recorded yet.</source>
        <translation>还没有任何记录。</translation>
    </message>
    <message numerus="yes">
        <source>%n years</source>
        <translation>
            <numerusform>%n 岁</numerusform>
        </translation>
    </message>
    <message>
        <source> (called %1)</source>
        <translation>（称呼：%1）</translation>
    </message>
    <message>
        <source>Risk not yet assessed</source>
        <translation>尚未评估风险</translation>
    </message>
    <message>
        <source>Counsellor: %1</source>
        <translation>咨询师：%1</translation>
    </message>
    <message>
        <source>Supervisor: %1</source>
        <translation>督导：%1</translation>
    </message>
    <message>
        <source>Source: %1</source>
        <translation>来源：%1</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>开案 %1</translation>
    </message>
    <message>
        <source>Platform no. %1</source>
        <translation>平台编号 %1</translation>
    </message>
    <message>
        <source>Shared with %1</source>
        <translation>共享给 %1</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>住址</translation>
    </message>
    <message>
        <source>Workplace</source>
        <translation>工作单位</translation>
    </message>
    <message>
        <source>Children&apos;s school</source>
        <translation>子女学校</translation>
    </message>
    <message>
        <source>New location</source>
        <translation>新住处</translation>
    </message>
    <message>
        <source>People around her</source>
        <translation>相关人员</translation>
    </message>
    <message>
        <source>Client details</source>
        <translation>当事人信息</translation>
    </message>
    <message>
        <source>Complete it…</source>
        <translation>补充完成…</translation>
    </message>
    <message>
        <source>No risk changes yet.</source>
        <translation>风险等级尚无变化。</translation>
    </message>
    <message>
        <source>Risk history:</source>
        <translation>风险等级变化：</translation>
    </message>
    <message>
        <source>due %1</source>
        <translation>截止 %1</translation>
    </message>
    <message>
        <source> (overdue)</source>
        <translation>（已逾期）</translation>
    </message>
    <message numerus="yes">
        <source>%n item(s) waiting for the supervisor</source>
        <translation>
            <numerusform>%n 项等待督导处理</numerusform>
        </translation>
    </message>
    <message>
        <source>More…</source>
        <translation>更多……</translation>
    </message>
    <message>
        <source>Attach a file</source>
        <translation>添加附件</translation>
    </message>
    <message>
        <source>Photos, scans and documents (*.jpg *.jpeg *.png *.pdf *.txt)</source>
        <translation>照片、扫描件和文档 (*.jpg *.jpeg *.png *.pdf *.txt)</translation>
    </message>
</context>
<context>
    <name>CasesScreen</name>
    <message>
        <source>Case list</source>
        <translation>个案列表</translation>
    </message>
</context>
<context>
    <name>ClientDetailsDialog</name>
    <message>
        <source>Client details</source>
        <translation>当事人信息</translation>
    </message>
    <message>
        <source>Mark a field confidential where she must not be found: it is masked on every screen and is not sent in any packet unless ticked for that packet.</source>
        <translation>为不能让对方找到她的信息标记“保密”：保密字段在所有界面上遮盖显示，除非在某份材料中专门勾选，否则不会发送。</translation>
    </message>
    <message>
        <source>Alias (name used in the studio)</source>
        <translation>化名（工作室内使用的称呼）</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>住址</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Workplace</source>
        <translation>工作单位</translation>
    </message>
    <message>
        <source>Children&apos;s school</source>
        <translation>子女学校</translation>
    </message>
    <message>
        <source>New location</source>
        <translation>新住处</translation>
    </message>
    <message>
        <source>confidential</source>
        <translation>保密</translation>
    </message>
    <message>
        <source>Why (required)</source>
        <translation>原因（必填）</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
</context>
<context>
    <name>ClockNotice</name>
    <message>
        <source>Signing starts these legal clocks (they show on the case and the dashboard until done):</source>
        <translation>签名后将开始计算以下法定时限（办结前会显示在个案和工作台上）：</translation>
    </message>
    <message>
        <source> (urgent, 24 h)</source>
        <translation>（紧急，24 小时）</translation>
    </message>
</context>
<context>
    <name>ConsentDialog</name>
    <message>
        <source>Record consent</source>
        <translation>记录知情同意</translation>
    </message>
    <message>
        <source>Consent covers one purpose and one receiving agency. A child under 14 needs a guardian&apos;s consent. Without consent, a referral may only rest on a legal basis: a legal duty such as a mandatory report, or protecting life in an emergency.</source>
        <translation>一份同意只对应一个目的、一个接收机构。未满14周岁的儿童需由监护人同意。没有同意时，转介只能依据法律：履行法定职责（如强制报告），或紧急情况下保护生命安全。</translation>
    </message>
    <message>
        <source>Purpose</source>
        <translation>用途</translation>
    </message>
    <message>
        <source>Receiving agency</source>
        <translation>接收机构</translation>
    </message>
    <message>
        <source>The client (or guardian) consented</source>
        <translation>当事人（或监护人）已同意</translation>
    </message>
    <message>
        <source>No consent: a legal basis applies</source>
        <translation>未取得同意：依据法律无需同意</translation>
    </message>
    <message>
        <source>e.g. the client herself, or &apos;mother 李某&apos;</source>
        <translation>例如：当事人本人，或“母亲 李某”</translation>
    </message>
    <message>
        <source>How it was given</source>
        <translation>同意方式</translation>
    </message>
    <message>
        <source>Given by</source>
        <translation>同意人</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Briefly, why consent was not needed</source>
        <translation>简要说明为何无需同意</translation>
    </message>
    <message>
        <source>Legal basis</source>
        <translation>法律依据</translation>
    </message>
    <message>
        <source>Situation</source>
        <translation>情况说明</translation>
    </message>
</context>
<context>
    <name>ConsentPage</name>
    <message>
        <source>Consent</source>
        <translation>知情同意</translation>
    </message>
    <message>
        <source>A referral needs the client&apos;s consent for this purpose and this agency, or a recorded legal basis.</source>
        <translation>转介需要当事人对这一目的、这一机构的同意，或已记录的法律依据。</translation>
    </message>
    <message>
        <source>Record consent…</source>
        <translation>记录知情同意…</translation>
    </message>
    <message>
        <source>Consent is recorded by the case&apos;s counsellor or a supervisor. Ask them to record it, then open this referral again.</source>
        <translation>知情同意由个案的咨询师或督导记录。请联系他们记录后，再重新打开这份转介。</translation>
    </message>
    <message>
        <source>Checking the consent on file…</source>
        <translation>正在核对已记录的知情同意……</translation>
    </message>
    <message>
        <source>%1 OK: %2 for “%3” to %4, recorded %5.</source>
        <translation>%1 已具备：%2，用于“%3”，转介给%4，记录于 %5。</translation>
    </message>
    <message>
        <source>Missing: there is no consent from the client for “%1” to %2, and no legal basis recorded. The referral cannot be signed without one.</source>
        <translation>缺少：没有当事人对“%1”转介给%2的同意，也没有记录无需同意的法律依据。缺少这一项，转介无法签署。</translation>
    </message>
</context>
<context>
    <name>Controller</name>
    <message>
        <source>Workstation binding: on.</source>
        <translation>工作站绑定：已启用。</translation>
    </message>
    <message>
        <source>Workstation binding is off: this computer has no secure keyring, so a copied vault is protected by the passwords alone.</source>
        <translation>工作站绑定未启用：这台电脑没有安全的系统密钥环，被复制走的数据库只受密码保护。</translation>
    </message>
    <message>
        <source>Studio server: %1</source>
        <translation>工作室服务器：%1</translation>
    </message>
    <message>
        <source>Signing out of the studio server…</source>
        <translation>正在退出工作室服务器…</translation>
    </message>
    <message>
        <source>Closing the records (and making the automatic backup, if it is switched on)…</source>
        <translation>正在关闭记录（如已开启自动备份，正在备份）……</translation>
    </message>
    <message>
        <source>The studio server cannot be reached. Open forms keep what you typed; a form whose save fails is kept encrypted on this computer and saved when the server is back, even after a lock or a restart.</source>
        <translation>无法连接工作室服务器。已打开的表单保留您输入的内容；保存失败的表单会加密保存在本机，服务器恢复后自动保存，锁定或重启程序也不会丢失。</translation>
    </message>
    <message>
        <source>The studio server is reachable again.</source>
        <translation>工作室服务器已恢复连接。</translation>
    </message>
</context>
<context>
    <name>CopyGuard</name>
    <message>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <source>Select All</source>
        <translation>全选</translation>
    </message>
</context>
<context>
    <name>CourtExtractDialog</name>
    <message>
        <source>Record of help sought, for the court</source>
        <translation>求助记录证明（供人民法院）</translation>
    </message>
    <message>
        <source>The court may take the studio&apos;s record of her help-seeking as evidence for a protection order. Tick what the court needs — the minimum is ticked already. Session-note text goes in only where you tick it; her address, phone and ID number never do. The extract is signed by the studio and kept in the vault.</source>
        <translation>人民法院审查人身安全保护令申请时，可以把本机构的求助记录作为证据。请勾选法院需要的内容——最少必要的内容已经勾选。咨询记录原文只有勾选时才会写入；住址、电话和身份证号一律不写入。证明由工作室电子签名，并保存在数据库中。</translation>
    </message>
    <message>
        <source>Sign the extract</source>
        <translation>签名生成</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>打印……</translation>
    </message>
    <message>
        <source>Save as PDF…</source>
        <translation>另存为 PDF……</translation>
    </message>
    <message>
        <source>Signed and kept: %1 (SHA-256 %2…). Print it or save it as a PDF for the court.</source>
        <translation>已签名并保存：%1（SHA-256 %2…）。可以打印，或另存为 PDF 交给法院。</translation>
    </message>
    <message>
        <source>%1 sent to the printer.</source>
        <translation>%1 已发送到打印机。</translation>
    </message>
    <message>
        <source>Save the signed extract</source>
        <translation>保存已签名的证明</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Saved: %1</source>
        <translation>已保存：%1</translation>
    </message>
</context>
<context>
    <name>CrisisDialog</name>
    <message>
        <source>When it happened</source>
        <translation>发生时间</translation>
    </message>
</context>
<context>
    <name>DashboardScreen</name>
    <message>
        <source>Good to see you, %1</source>
        <translation>%1，您好</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>到期时间</translation>
    </message>
    <message>
        <source>What</source>
        <translation>事项</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>个案</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>当事人</translation>
    </message>
    <message>
        <source>Returned</source>
        <translation>退回时间</translation>
    </message>
    <message>
        <source>Supervisor&apos;s comment</source>
        <translation>督导意见</translation>
    </message>
    <message>
        <source>Returned by the supervisor: answer with an addendum to resubmit</source>
        <translation>督导退回的记录：添加补充说明后会自动重新提交</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <source>Overdue and due in the next 48 hours</source>
        <translation>已逾期及 48 小时内到期</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Counsellor</source>
        <translation>咨询师</translation>
    </message>
    <message>
        <source>Next due</source>
        <translation>下次到期</translation>
    </message>
    <message>
        <source>High-risk cases</source>
        <translation>高风险个案</translation>
    </message>
    <message>
        <source>My high-risk cases</source>
        <translation>我的高风险个案</translation>
    </message>
    <message>
        <source>Time left</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <source>Asked by</source>
        <translation>提出人</translation>
    </message>
    <message>
        <source>Review queue</source>
        <translation>督导审核队列</translation>
    </message>
    <message>
        <source>Refresh (F5)</source>
        <translation>刷新 (F5)</translation>
    </message>
    <message>
        <source>Follow-up visit</source>
        <translation>回访</translation>
    </message>
    <message>
        <source>Nothing due. Well done.</source>
        <translation>暂无到期事项。</translation>
    </message>
    <message numerus="yes">
        <source>%n unsaved form(s) from before the lock were kept and reopened: %1</source>
        <translation>
            <numerusform>锁定前未保存的 %n 份表单已保留并重新打开：%1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DateField</name>
    <message>
        <source>e.g. 1991 or 1991-03-15</source>
        <translation>如 1991 或 1991-03-15</translation>
    </message>
    <message>
        <source>e.g. 2026-03-15</source>
        <translation>如 2026-03-15</translation>
    </message>
    <message>
        <source>Calendar</source>
        <translation>日历</translation>
    </message>
</context>
<context>
    <name>DueCaseModel</name>
    <message>
        <source>Case no.</source>
        <translation>个案编号</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>结案日期</translation>
    </message>
    <message>
        <source>Kept until</source>
        <translation>保存至</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>保存期限</translation>
    </message>
    <message>
        <source>Counsellor</source>
        <translation>咨询师</translation>
    </message>
    <message numerus="yes">
        <source>%n year(s)</source>
        <translation>
            <numerusform>%n 年</numerusform>
        </translation>
    </message>
    <message>
        <source>(intake only)</source>
        <translation>（仅接案）</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>Something went wrong and the action was not completed. Nothing that was saved before is lost. If it happens again, tell your IT person the time it happened.</source>
        <translation>出现问题，操作没有完成。之前保存的内容没有丢失。如果再次出现，请把发生的时间告诉技术人员。</translation>
    </message>
</context>
<context>
    <name>FieldsPage</name>
    <message>
        <source>What will be sent</source>
        <translation>将要发送的内容</translation>
    </message>
    <message>
        <source>Every item the policy knows, and whether this agency gets it. The administrator sets the policy.</source>
        <translation>字段规则中的每一项，以及该机构能否收到。字段规则由管理员设定。</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>What this case has</source>
        <translation>本个案的内容</translation>
    </message>
    <message>
        <source>Confidential fields are not sent unless you tick them for this referral; a ticked field is shown in red and the tick is recorded.</source>
        <translation>保密字段不会发送，除非您为这份转介勾选；勾选的字段以红色显示，勾选会被记录。</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>当事人</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Attachments</source>
        <translation>附件</translation>
    </message>
    <message>
        <source> (confidential)</source>
        <translation>（保密）</translation>
    </message>
    <message>
        <source>(nothing recorded)</source>
        <translation>（暂无记录）</translation>
    </message>
    <message>
        <source>not sent to this agency</source>
        <translation>不发送给该机构</translation>
    </message>
</context>
<context>
    <name>FiguresModel</name>
    <message>
        <source>Figure</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>What it counts</source>
        <translation>含义</translation>
    </message>
</context>
<context>
    <name>FollowupDialog</name>
    <message>
        <source>Follow-up visit</source>
        <translation>回访记录</translation>
    </message>
    <message>
        <source>Record the visit</source>
        <translation>保存回访记录</translation>
    </message>
    <message>
        <source>Schedule the next follow-up on</source>
        <translation>安排下次回访于</translation>
    </message>
    <message>
        <source>Visit time</source>
        <translation>回访时间</translation>
    </message>
</context>
<context>
    <name>Followups</name>
    <message>
        <source>Routine</source>
        <translation>常规回访</translation>
    </message>
    <message>
        <source>After a police warning letter</source>
        <translation>告诫书后回访</translation>
    </message>
</context>
<context>
    <name>FollowupsScreen</name>
    <message>
        <source>Follow-up visits</source>
        <translation>回访</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>待回访</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Record the visit…</source>
        <translation>记录回访……</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>个案</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>当事人</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方式</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Done late (%1)</source>
        <translation>延迟完成（%1）</translation>
    </message>
</context>
<context>
    <name>IdentityDialog</name>
    <message>
        <source>Import a certificate</source>
        <translation>导入证书</translation>
    </message>
    <message>
        <source>Make a new studio certificate</source>
        <translation>生成新的工作室证书</translation>
    </message>
    <message>
        <source>Referrals signed from now on use the new certificate. The current key is deleted; packets already sent stay valid. Send the new certificate to every receiving agency.</source>
        <translation>此后签署的转介将使用新证书。现有私钥将被删除；已发出的转介材料仍然有效。请把新证书发给每个接收机构。</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>PKCS#12 file (.p12, .pfx)</source>
        <translation>PKCS#12 文件（.p12、.pfx）</translation>
    </message>
    <message>
        <source>Password of the file</source>
        <translation>证书文件的密码</translation>
    </message>
    <message>
        <source>Your password</source>
        <translation>您的密码</translation>
    </message>
    <message>
        <source>Certificate file</source>
        <translation>证书文件</translation>
    </message>
    <message>
        <source>PKCS#12 files (*.p12 *.pfx)</source>
        <translation>PKCS#12 文件 (*.p12 *.pfx)</translation>
    </message>
    <message>
        <source>Choose the certificate file first.</source>
        <translation>请先选择证书文件。</translation>
    </message>
</context>
<context>
    <name>IntegrityNotice</name>
    <message>
        <source>Today&apos;s check of the records file found no damage.</source>
        <translation>今天对数据库文件的检查未发现损坏。</translation>
    </message>
    <message>
        <source>The records file is damaged. Restore it from the latest backup, or call your IT person.</source>
        <translation>数据库文件已损坏。请从最近一次的备份恢复，或联系技术人员。</translation>
    </message>
    <message>
        <source>Today&apos;s check found damage in the records file (vault.db). Do not enter new records until it is repaired: they may not be saved.</source>
        <translation>今天的检查发现数据库文件（vault.db）已损坏。修复之前请不要录入新记录：它们可能无法保存。</translation>
    </message>
    <message>
        <source>The records file on this computer is damaged. Please tell the administrator now, and do not enter new records until it is repaired: they may not be saved.</source>
        <translation>本机的数据库文件已损坏。请立即告知管理员；修复之前请不要录入新记录：它们可能无法保存。</translation>
    </message>
</context>
<context>
    <name>JoinPage</name>
    <message>
        <source>Join a studio server</source>
        <translation>加入工作室服务器</translation>
    </message>
    <message>
        <source>The studio keeps its records on its own server. Ask the person who looks after it for the server&apos;s address, the studio id and the studio&apos;s CA file (ca.crt).</source>
        <translation>工作室的记录保存在自己的服务器上。请向负责服务器的人索取服务器地址、工作室编号和工作室的 CA 证书文件（ca.crt）。</translation>
    </message>
    <message>
        <source>e.g. xinhe-server.lan</source>
        <translation>例如 xinhe-server.lan</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <source>Studio id (database)</source>
        <translation>工作室编号（数据库名）</translation>
    </message>
    <message>
        <source>Studio CA file</source>
        <translation>工作室 CA 证书文件</translation>
    </message>
    <message>
        <source>Login name</source>
        <translation>登录名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Join and sign in</source>
        <translation>加入并登录</translation>
    </message>
    <message>
        <source>The studio&apos;s CA file</source>
        <translation>工作室的 CA 证书文件</translation>
    </message>
    <message>
        <source>Certificates (*.crt *.pem);;All files (*)</source>
        <translation>证书 (*.crt *.pem);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>正在登录…</translation>
    </message>
    <message>
        <source>Enter your login name and password.</source>
        <translation>请输入登录名和密码。</translation>
    </message>
</context>
<context>
    <name>KeysTab</name>
    <message>
        <source>Re-encrypting puts the whole vault under a new key and rewraps every account&apos;s key slot; nobody&apos;s password changes. Do it when you suspect a copy of the key got out (removing a user does it by itself).</source>
        <translation>重新加密会用新密钥加密整个数据库，并重新封装每个账户的密钥槽，所有人的密码都不变。怀疑密钥外泄时使用（删除用户时会自动执行）。</translation>
    </message>
    <message>
        <source>Re-encrypt the vault under a new key…</source>
        <translation>用新密钥重新加密数据库……</translation>
    </message>
    <message>
        <source>If the paper with the recovery key is lost, make a new one: the old key stops working at once.</source>
        <translation>如果抄有恢复密钥的纸张丢失，请生成新的恢复密钥：旧的会立即失效。</translation>
    </message>
    <message>
        <source>Make a new recovery key…</source>
        <translation>生成新的恢复密钥……</translation>
    </message>
    <message>
        <source>The vault is now under a new key.</source>
        <translation>数据库已改用新密钥加密。</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>密钥</translation>
    </message>
    <message>
        <source>Re-encrypt the whole vault now? It takes a moment; nothing else can be done meanwhile.</source>
        <translation>现在重新加密整个数据库吗？需要一点时间，期间不能进行其他操作。</translation>
    </message>
    <message>
        <source>Re-encrypting changes the vault&apos;s key.</source>
        <translation>重新加密会更换数据库密钥。</translation>
    </message>
    <message>
        <source>Make a new recovery key? The one on paper now will stop working.</source>
        <translation>生成新的恢复密钥吗？纸上现有的那个将失效。</translation>
    </message>
    <message>
        <source>A new recovery key is a key change.</source>
        <translation>生成新的恢复密钥属于密钥变更。</translation>
    </message>
</context>
<context>
    <name>LinkedPersonsDialog</name>
    <message>
        <source>People around her</source>
        <translation>相关人员</translation>
    </message>
    <message>
        <source>Relation</source>
        <translation>关系</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Born</source>
        <translation>出生年份</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>In household</source>
        <translation>同住</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Add person…</source>
        <translation>添加人员…</translation>
    </message>
    <message>
        <source>Change…</source>
        <translation>修改…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Record the mandatory report…</source>
        <translation>填写强制报告记录…</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>A child who may be under 18 (%1) lives with domestic violence: record the minor mandatory report (report to the police at once).</source>
        <translation>可能未满 18 岁的子女（%1）处于家庭暴力之中：请填写未成年人强制报告记录（应立即向公安机关报告）。</translation>
    </message>
    <message>
        <source>Risk: the person who harmed her is also recorded in case %1 (%2).</source>
        <translation>风险提示：施暴者也出现在个案 %1 中（%2）。</translation>
    </message>
    <message>
        <source>Risk: the person who harmed her may also be in another counsellor&apos;s case (%1). Ask %2 or a supervisor.</source>
        <translation>风险提示：施暴者可能也出现在其他咨询师的个案中（%1）。请联系 %2 或督导。</translation>
    </message>
    <message>
        <source>Add person</source>
        <translation>添加相关人员</translation>
    </message>
    <message>
        <source>Change person</source>
        <translation>修改相关人员</translation>
    </message>
    <message>
        <source>Relation to the client</source>
        <translation>与当事人的关系</translation>
    </message>
    <message>
        <source>Year of birth</source>
        <translation>出生年份</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>身份证件号码</translation>
    </message>
    <message>
        <source>Lives in the client&apos;s household</source>
        <translation>与当事人同住</translation>
    </message>
    <message>
        <source>Remove person</source>
        <translation>移除相关人员</translation>
    </message>
    <message>
        <source>Remove this person from the case? Do this only for an entry made by mistake.</source>
        <translation>从个案中移除此人？仅用于纠正误录。</translation>
    </message>
</context>
<context>
    <name>LockTab</name>
    <message>
        <source> minutes</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>Lock after being idle for</source>
        <translation>无操作多久后自动锁定</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Locking closes the records until someone signs in again. Unsaved forms are kept encrypted and come back after signing in. Ctrl+L locks at once.</source>
        <translation>锁定后，记录在重新登录前无法查看。未保存的表单会加密保留，登录后自动恢复。按 Ctrl+L 可立即锁定。</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>自动锁定</translation>
    </message>
    <message>
        <source>Saved. It applies from the next sign-in.</source>
        <translation>已保存，下次登录时生效。</translation>
    </message>
</context>
<context>
    <name>Locking</name>
    <message>
        <source>Lock</source>
        <translation>锁定</translation>
    </message>
    <message>
        <source>Lock now (Ctrl+L): this window closes, what you typed is kept as an encrypted draft, and the records open again when you sign in.</source>
        <translation>立即锁定（Ctrl+L）：此窗口关闭，已填写的内容加密保存为草稿，重新登录后记录再次打开。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Xinhe — %1</source>
        <translation>馨和 — %1</translation>
    </message>
    <message>
        <source>Studio server: %1</source>
        <translation>工作室服务器：%1</translation>
    </message>
    <message>
        <source>Workstation binding: on</source>
        <translation>工作站绑定：已启用</translation>
    </message>
    <message>
        <source>Workstation binding: off (no secure keyring on this computer)</source>
        <translation>工作站绑定：未启用（本机没有安全的系统密钥环）</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>处理中……</translation>
    </message>
    <message>
        <source>Change my password…</source>
        <translation>修改我的密码……</translation>
    </message>
    <message>
        <source>Lock (Ctrl+L)</source>
        <translation>锁定 (Ctrl+L)</translation>
    </message>
    <message>
        <source>Sign out and quit</source>
        <translation>退出登录并关闭</translation>
    </message>
    <message>
        <source>Lock now: the records close until you sign in again.</source>
        <translation>立即锁定：重新登录前记录不可查看。</translation>
    </message>
    <message>
        <source>Change my password</source>
        <translation>修改我的密码</translation>
    </message>
    <message>
        <source>Current password</source>
        <translation>当前密码</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <source>New password again</source>
        <translation>再次输入新密码</translation>
    </message>
    <message>
        <source>Password changed.</source>
        <translation>密码已修改。</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>工作台</translation>
    </message>
    <message>
        <source>Cases</source>
        <translation>个案</translation>
    </message>
    <message>
        <source>Follow-ups</source>
        <translation>回访</translation>
    </message>
    <message>
        <source>Calendar</source>
        <translation>日程</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>督导审核</translation>
    </message>
    <message>
        <source>Referrals</source>
        <translation>转介</translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation>统计</translation>
    </message>
    <message>
        <source>Retention</source>
        <translation>保存期限</translation>
    </message>
    <message>
        <source>Admin</source>
        <translation>管理</translation>
    </message>
</context>
<context>
    <name>NewCaseDialog</name>
    <message>
        <source>New case</source>
        <translation>新建个案</translation>
    </message>
    <message>
        <source>&lt; Back</source>
        <translation>&lt; 上一步</translation>
    </message>
    <message>
        <source>Next &gt;</source>
        <translation>下一步 &gt;</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Who is the client? Xinhe looks for existing records of the same person as you type, so one person does not end up with two files.</source>
        <translation>当事人是谁？输入时系统会查找同一人的已有记录，避免一个人建两份档案。</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Date of birth</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <source>Community</source>
        <translation>社区</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>住址</translation>
    </message>
    <message>
        <source>Guardian (for a child)</source>
        <translation>监护人（未成年人）</translation>
    </message>
    <message>
        <source>Possible existing records</source>
        <translation>可能已有的记录</translation>
    </message>
    <message>
        <source>Create a new client anyway (a different person, or agreed with the responsible counsellor)</source>
        <translation>仍然新建当事人（确系另一人，或已与负责的咨询师商定）</translation>
    </message>
    <message>
        <source>no case yet</source>
        <translation>尚无个案</translation>
    </message>
    <message>
        <source>No existing record matches.</source>
        <translation>没有找到相符的已有记录。</translation>
    </message>
    <message>
        <source>This client already has a file: %1, handled by %2. Contact them to coordinate.</source>
        <translation>该当事人已在 %1 建档，由 %2 负责，请联系其协调。</translation>
    </message>
    <message>
        <source>This client was registered by %1 (no case yet). Contact them to coordinate.</source>
        <translation>该当事人已由 %1 登记（尚无个案），请联系其协调。</translation>
    </message>
    <message>
        <source>born %1</source>
        <translation>%1年生</translation>
    </message>
    <message>
        <source>You may not see this client&apos;s details or add to their file. The responsible counsellor or a supervisor can share the case with you.</source>
        <translation>您无权查看该当事人的信息或在其档案中添加记录。负责的咨询师或督导可以把个案共享给您。</translation>
    </message>
    <message>
        <source>Use this client &gt;</source>
        <translation>使用这位当事人 &gt;</translation>
    </message>
    <message>
        <source>The district platform&apos;s number, if dispatched from there</source>
        <translation>如由区平台分拨，请填写平台编号</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>个案类别</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>个案来源</translation>
    </message>
    <message>
        <source>Platform no.</source>
        <translation>平台编号</translation>
    </message>
    <message>
        <source>Open the case</source>
        <translation>开案</translation>
    </message>
    <message>
        <source>Enter the client&apos;s name, or pick an existing record.</source>
        <translation>请填写当事人姓名，或选择一份已有记录。</translation>
    </message>
    <message>
        <source>This person may already have a file with another counsellor. Contact them first, or tick the box to create a new client anyway.</source>
        <translation>此人可能已在其他咨询师处建档。请先联系对方；如确需新建，请勾选“仍然新建当事人”。</translation>
    </message>
    <message>
        <source>The intake form will be signed and locked (later changes are added as addenda), and the case will be opened.</source>
        <translation>开案后，这份接案登记将签名并锁定（之后的更正以补充说明的形式追加），个案随即开立。</translation>
    </message>
    <message>
        <source>The answers make this a high-risk case: it goes to the supervisor&apos;s review queue, to be reviewed within 24 hours.</source>
        <translation>根据已填答案，这是高风险个案：将进入督导审核队列，须在 24 小时内审核。</translation>
    </message>
    <message>
        <source>Not yet complete: %1. You can complete it later from the case.</source>
        <translation>尚未完成：%1。之后可以在个案中“补充完成”。</translation>
    </message>
    <message>
        <source>Sign and open the case</source>
        <translation>签名并开案</translation>
    </message>
    <message>
        <source>Go back</source>
        <translation>返回修改</translation>
    </message>
</context>
<context>
    <name>Operations</name>
    <message>
        <source>Not done</source>
        <translation>未完成</translation>
    </message>
</context>
<context>
    <name>PdfPreview</name>
    <message numerus="yes">
        <source>%n page(s)</source>
        <translation>
            <numerusform>共 %n 页</numerusform>
        </translation>
    </message>
    <message>
        <source>The PDF could not be shown.</source>
        <translation>无法显示该 PDF。</translation>
    </message>
</context>
<context>
    <name>PlatformDispatches</name>
    <message>
        <source>New dispatches from the platform</source>
        <translation>平台新分拨的个案</translation>
    </message>
    <message>
        <source>First contact by</source>
        <translation>首次联系时限</translation>
    </message>
    <message>
        <source>Platform ref.</source>
        <translation>平台编号</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>平台分级</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>当事人</translation>
    </message>
    <message>
        <source>Time left</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <source>Receive from the inbox</source>
        <translation>从收件箱接收</translation>
    </message>
    <message>
        <source>Accept and assign…</source>
        <translation>受理并分配…</translation>
    </message>
    <message>
        <source>Import a register…</source>
        <translation>导入登记表…</translation>
    </message>
    <message>
        <source>Bring a register (Excel or CSV) in as cases: a dry run shows counts and problems first, and importing the same rows again creates nothing.</source>
        <translation>把登记表（Excel 或 CSV）导入为个案：先试导入，显示数量和问题；同样的行再导入一次不会重复创建。</translation>
    </message>
    <message>
        <source>No new dispatches.</source>
        <translation>没有新的分拨。</translation>
    </message>
    <message numerus="yes">
        <source>%n dispatch(es) received.</source>
        <translation>
            <numerusform>已接收 %n 个分拨。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) set aside in the quarantine folder: %1</source>
        <translation>
            <numerusform>%n 个文件已移入隔离文件夹：%1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PlatformInboxSetting</name>
    <message>
        <source>Platform inbox</source>
        <translation>平台收件箱</translation>
    </message>
    <message>
        <source>The platform drops dispatched cases (JSON files) in this folder; received files move to received/, rejected ones to quarantine/ with their reason.</source>
        <translation>平台把分拨的个案（JSON 文件）放到这个文件夹；接收后的文件移到 received/，被拒收的文件连同原因移到 quarantine/。</translation>
    </message>
    <message>
        <source>e.g. Z:\平台分拨 or /mnt/platform/inbox</source>
        <translation>如 Z:\平台分拨 或 /mnt/platform/inbox</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Inbox folder</source>
        <translation>收件箱文件夹</translation>
    </message>
    <message>
        <source>No inbox: dispatches can still be received file by file from the command line.</source>
        <translation>未设置收件箱：仍可在命令行中逐个文件接收分拨。</translation>
    </message>
    <message>
        <source>Saved. The folder is reachable.</source>
        <translation>已保存，文件夹可以访问。</translation>
    </message>
    <message>
        <source>Saved, but the folder cannot be reached right now.</source>
        <translation>已保存，但目前无法访问该文件夹。</translation>
    </message>
</context>
<context>
    <name>PreviewPage</name>
    <message>
        <source>Check the packet</source>
        <translation>核对转介材料</translation>
    </message>
    <message>
        <source>This is the PDF as it will be signed. Read it through before you sign.</source>
        <translation>这就是将要签署的 PDF。签署前请从头到尾读一遍。</translation>
    </message>
</context>
<context>
    <name>Printing</name>
    <message>
        <source>Print %1</source>
        <translation>打印 %1</translation>
    </message>
</context>
<context>
    <name>ProgressPage</name>
    <message>
        <source>Signing and delivering</source>
        <translation>签署并送达</translation>
    </message>
    <message>
        <source>This takes a few seconds.</source>
        <translation>这需要几秒钟。</translation>
    </message>
    <message>
        <source>Gathering what the policy allows; checking consent</source>
        <translation>汇集字段规则允许的内容，核对知情同意</translation>
    </message>
    <message>
        <source>Making the PDF</source>
        <translation>生成 PDF</translation>
    </message>
    <message>
        <source>Signing with the studio&apos;s certificate</source>
        <translation>用工作室证书签名</translation>
    </message>
    <message>
        <source>Keeping the signed PDF in the vault</source>
        <translation>把已签名的 PDF 保存在数据库中</translation>
    </message>
    <message>
        <source>Delivering to the outbox</source>
        <translation>送达发件箱</translation>
    </message>
    <message>
        <source>Referral %1 is signed and delivered: %2</source>
        <translation>转介 %1 已签名并送达：%2</translation>
    </message>
    <message>
        <source>Nothing was signed.</source>
        <translation>没有签署任何文件。</translation>
    </message>
</context>
<context>
    <name>PurgeDialog</name>
    <message>
        <source>Purge cases for good</source>
        <translation>永久清除个案</translation>
    </message>
    <message numerus="yes">
        <source>Purge %n case(s): %1</source>
        <translation>
            <numerusform>清除 %n 个个案：%1</numerusform>
        </translation>
    </message>
    <message>
        <source>Every record of these cases is deleted: notes, assessments, crisis records, safety plans, follow-ups, consents, referrals and attachments, and the client when no other case is theirs. It cannot be undone. The audit trail keeps only the case number and your name. Backups made before now still hold these cases until they are deleted or rotated out.</source>
        <translation>这些个案的全部记录都会被删除：咨询记录、评估、危机干预、安全计划、回访、知情同意、转介和附件；当事人没有其他个案时，其信息也会删除。此操作无法撤销。审计日志只保留个案编号和您的姓名。此前制作的备份仍包含这些个案，直到这些备份被删除或轮换掉。</translation>
    </message>
    <message>
        <source>I understand that this cannot be undone</source>
        <translation>我知道此操作无法撤销</translation>
    </message>
    <message>
        <source>Your password</source>
        <translation>您的密码</translation>
    </message>
    <message>
        <source>Purge</source>
        <translation>清除</translation>
    </message>
</context>
<context>
    <name>Reauth</name>
    <message>
        <source>Confirm it is you</source>
        <translation>确认身份</translation>
    </message>
    <message>
        <source>Your password</source>
        <translation>您的密码</translation>
    </message>
</context>
<context>
    <name>Recall</name>
    <message>
        <source>Recall referrals</source>
        <translation>撤回转介</translation>
    </message>
    <message>
        <source>A signed recall notice goes to the agency through the outbox, asking it to stop using the referral.</source>
        <translation>撤回后，一份已签名的撤回通知会通过发件箱送给接收机构，请其停止使用该转介材料。</translation>
    </message>
    <message>
        <source>%1 to %2, delivered %3</source>
        <translation>%1（转给%2，%3 送达）</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>The client withdrew her consent</source>
        <translation>当事人撤回了同意</translation>
    </message>
    <message>
        <source>Recall</source>
        <translation>撤回</translation>
    </message>
</context>
<context>
    <name>RecordDialog</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>The studio server cannot be reached: the form is kept encrypted on this computer and will be saved when the connection is back.</source>
        <translation>无法连接工作室服务器：内容已加密保存在本机，恢复连接后会自动保存。</translation>
    </message>
    <message>
        <source>Draft saved %1</source>
        <translation>草稿已保存 %1</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>有未保存的修改</translation>
    </message>
    <message>
        <source>This form has changes that are not saved. Close it and discard them?</source>
        <translation>此表单有未保存的修改。确定关闭并放弃这些修改吗？</translation>
    </message>
</context>
<context>
    <name>RecoverDialog</name>
    <message>
        <source>Set a new password with the recovery key</source>
        <translation>用恢复密钥设置新密码</translation>
    </message>
    <message>
        <source>Type the recovery key from the paper kept at set-up (8 groups of 4 characters). Capitals, spaces and dashes do not matter.</source>
        <translation>请输入设置时抄写在纸上的恢复密钥（共 8 组，每组 4 个字符）。大小写、空格和连字符都不影响。</translation>
    </message>
    <message>
        <source>Recovery key</source>
        <translation>恢复密钥</translation>
    </message>
    <message>
        <source>Login name</source>
        <translation>登录名</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <source>New password again</source>
        <translation>再次输入新密码</translation>
    </message>
    <message>
        <source>Set password and unlock</source>
        <translation>设置密码并解锁</translation>
    </message>
    <message numerus="yes">
        <source>The password needs at least %n characters.</source>
        <translation>
            <numerusform>密码至少需要 %n 个字符。</numerusform>
        </translation>
    </message>
    <message>
        <source>The two passwords are not the same.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>RecoveryKeyDialog</name>
    <message>
        <source>New recovery key</source>
        <translation>新的恢复密钥</translation>
    </message>
    <message>
        <source>This is the new recovery key. It is shown only now, and the old one no longer works. Print it and lock the sheet in the studio&apos;s safe; do not keep it on this computer.</source>
        <translation>这是新的恢复密钥，只在此时显示一次，旧的已经失效。请打印出来，把这张纸锁进工作室的保险柜；不要保存在这台电脑上。</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>打印……</translation>
    </message>
    <message>
        <source>No printer: I have written the recovery key down by hand and stored it safely</source>
        <translation>没有打印机：我已手抄恢复密钥并妥善保管</translation>
    </message>
    <message>
        <source>Printed. Check that the key is clearly readable, then lock the sheet away.</source>
        <translation>已打印。请核对密钥清晰可读，然后把这张纸锁好。</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>RecoveryPage</name>
    <message>
        <source>Your recovery key</source>
        <translation>您的恢复密钥</translation>
    </message>
    <message>
        <source>It is shown only now. Without it, a forgotten password cannot be replaced.</source>
        <translation>它只在此时显示一次。没有它，忘记的密码将无法重设。</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>打印……</translation>
    </message>
    <message>
        <source>Print it and lock the sheet in the studio&apos;s safe. Do not store it on this computer or send it by WeChat or e-mail.</source>
        <translation>请打印出来，把这张纸锁进工作室的保险柜。不要存在这台电脑上，也不要通过微信或电子邮件发送。</translation>
    </message>
    <message>
        <source>No printer: I have written the recovery key down by hand and stored it safely</source>
        <translation>没有打印机：我已手抄恢复密钥并妥善保管</translation>
    </message>
    <message>
        <source>Next, add the accounts of your supervisors, counsellors and staff under Admin.</source>
        <translation>下一步，请在“管理”中为督导、咨询师和工作人员添加账户。</translation>
    </message>
    <message>
        <source>Printed. Check that the key is clearly readable, then lock the sheet away.</source>
        <translation>已打印。请核对密钥清晰可读，然后把这张纸锁好。</translation>
    </message>
</context>
<context>
    <name>RecoveryPrint</name>
    <message>
        <source>Xinhe recovery key</source>
        <translation>馨和恢复密钥</translation>
    </message>
    <message>
        <source>Printed on %1</source>
        <translation>打印日期：%1</translation>
    </message>
    <message>
        <source>Keep this sheet locked in the studio&apos;s safe. With it an administrator can set a new password when every password is forgotten, and restore a backup on a new computer.</source>
        <translation>请把这张纸锁在工作室的保险柜里。所有密码都忘记时，管理员凭它可以重新设置密码，也可以在新电脑上恢复备份。</translation>
    </message>
    <message>
        <source>Do not photograph it, keep it on a computer, or send it by WeChat or e-mail. If it is lost, the administrator makes a new key (Admin → Keys) and the old one stops working.</source>
        <translation>不要拍照，不要存在电脑上，也不要通过微信或电子邮件发送。如果遗失，请管理员生成新的密钥（管理 → 密钥），旧密钥随即失效。</translation>
    </message>
    <message>
        <source>Recovery key</source>
        <translation>恢复密钥</translation>
    </message>
    <message>
        <source>Print the recovery key</source>
        <translation>打印恢复密钥</translation>
    </message>
    <message>
        <source>The printer could not be reached, or the file could not be written. Check the printer and try again, or write the key down by hand.</source>
        <translation>无法连接打印机，或无法写入文件。请检查打印机后重试，或手抄密钥。</translation>
    </message>
</context>
<context>
    <name>ReferralAdminPanel</name>
    <message>
        <source>Studio signing certificate</source>
        <translation>工作室签名证书</translation>
    </message>
    <message>
        <source>Studio</source>
        <translation>工作室</translation>
    </message>
    <message>
        <source>Fingerprint (SHA-256)</source>
        <translation>指纹（SHA-256）</translation>
    </message>
    <message>
        <source>Valid</source>
        <translation>有效期</translation>
    </message>
    <message>
        <source>Made</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Make a new certificate…</source>
        <translation>生成新证书…</translation>
    </message>
    <message>
        <source>Import from the district CA (.p12)…</source>
        <translation>导入区 CA 颁发的证书（.p12）…</translation>
    </message>
    <message>
        <source>Export certificate…</source>
        <translation>导出证书…</translation>
    </message>
    <message>
        <source>Fingerprint</source>
        <translation>指纹</translation>
    </message>
    <message>
        <source>Valid until</source>
        <translation>有效至</translation>
    </message>
    <message>
        <source>Replaced</source>
        <translation>停用日期</translation>
    </message>
    <message>
        <source>Platform outbox</source>
        <translation>平台发件箱</translation>
    </message>
    <message>
        <source>Signed referrals and the manifest are written to this folder, normally the platform&apos;s mapped share.</source>
        <translation>已签名的转介文件和清单写入这个文件夹，通常是平台映射的共享盘。</translation>
    </message>
    <message>
        <source>e.g. Z:\转介发件箱 or /mnt/platform/outbox</source>
        <translation>例如：Z:\转介发件箱 或 /mnt/platform/outbox</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>What each agency may receive</source>
        <translation>各机构可以收到的内容</translation>
    </message>
    <message>
        <source>Save the policy</source>
        <translation>保存字段规则</translation>
    </message>
    <message>
        <source>Go back to the shipped policy</source>
        <translation>恢复为内置字段规则</translation>
    </message>
    <message>
        <source>None yet: one is made at the first export, or make one now.</source>
        <translation>尚无：首次导出转介时会自动生成，也可以现在生成。</translation>
    </message>
    <message>
        <source>imported</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>generated</source>
        <translation>本机生成</translation>
    </message>
    <message>
        <source>The certificate ends on %1: make or import a new one before then, or referrals cannot be signed.</source>
        <translation>证书将于 %1 到期：请在此之前生成或导入新证书，否则转介将无法签署。</translation>
    </message>
    <message>
        <source>The shipped policy is in use. Tick what each agency may receive; police never get session notes unless you tick them here.</source>
        <translation>正在使用内置字段规则。请勾选各机构可以收到的内容；除非在此勾选，公安机关不会收到咨询记录。</translation>
    </message>
    <message>
        <source>The studio&apos;s own policy is in use.</source>
        <translation>正在使用本工作室自定的字段规则。</translation>
    </message>
    <message>
        <source>New certificate in use, fingerprint %1. Send it to the receiving agencies.</source>
        <translation>新证书已启用，指纹 %1。请把它发给各接收机构。</translation>
    </message>
    <message>
        <source>Export the studio certificate</source>
        <translation>导出工作室证书</translation>
    </message>
    <message>
        <source>Certificates (*.pem)</source>
        <translation>证书 (*.pem)</translation>
    </message>
    <message>
        <source>Certificate saved: %1</source>
        <translation>证书已保存：%1</translation>
    </message>
    <message>
        <source>Outbox folder</source>
        <translation>发件箱文件夹</translation>
    </message>
    <message>
        <source>No outbox: signed referrals stay in the vault until one is set.</source>
        <translation>未设置发件箱：已签名的转介会保存在数据库中，直到设置发件箱。</translation>
    </message>
    <message>
        <source>Saved. The folder is reachable.</source>
        <translation>已保存，文件夹可以访问。</translation>
    </message>
    <message>
        <source>Saved, but the folder cannot be written to right now. Referrals will wait as “signed” until it can.</source>
        <translation>已保存，但目前无法写入该文件夹。转介会保持“已签名”状态，等文件夹可用后再送达。</translation>
    </message>
    <message>
        <source>Shipped policy</source>
        <translation>内置字段规则</translation>
    </message>
    <message>
        <source>Replace the studio&apos;s policy with the shipped one?</source>
        <translation>用内置字段规则替换本工作室的规则吗？</translation>
    </message>
</context>
<context>
    <name>ReferralStatus</name>
    <message>
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>Signed, not delivered yet</source>
        <translation>已签名，尚未送达</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>已送达</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>已确认接收</translation>
    </message>
    <message>
        <source>Recalled</source>
        <translation>已撤回</translation>
    </message>
</context>
<context>
    <name>ReferralWizard</name>
    <message>
        <source>Referral — case %1</source>
        <translation>转介 — 个案 %1</translation>
    </message>
    <message>
        <source>Sign and deliver</source>
        <translation>签署并送达</translation>
    </message>
</context>
<context>
    <name>ReferralsModel</name>
    <message>
        <source>Referral no.</source>
        <translation>转介编号</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>个案</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>当事人</translation>
    </message>
    <message>
        <source>Agency</source>
        <translation>接收机构</translation>
    </message>
    <message>
        <source>Purpose</source>
        <translation>目的</translation>
    </message>
    <message>
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>起草日期</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>送达日期</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
</context>
<context>
    <name>ReferralsScreen</name>
    <message>
        <source>Referrals</source>
        <translation>转介</translation>
    </message>
    <message>
        <source>Referral packets to police, court and other agencies. A referral is started from its case; here it is signed, delivered again when the outbox was unreachable, and its acknowledgement recorded.</source>
        <translation>发给公安、法院等机构的转介材料。转介从个案中发起；在这里签署，发件箱不可用时重新送达，并登记对方的确认。</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Drafts</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>Signed, not delivered</source>
        <translation>已签名、未送达</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>已送达</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>已确认接收</translation>
    </message>
    <message>
        <source>Recalled</source>
        <translation>已撤回</translation>
    </message>
    <message>
        <source>Export studio certificate…</source>
        <translation>导出工作室证书…</translation>
    </message>
    <message>
        <source>The certificate receivers use to check the signature (xinhe verify --trust).</source>
        <translation>接收机构用来核验签名的证书（xinhe verify --trust）。</translation>
    </message>
    <message>
        <source>Continue and sign…</source>
        <translation>继续并签署…</translation>
    </message>
    <message>
        <source>Deliver again</source>
        <translation>重新送达</translation>
    </message>
    <message>
        <source>Record acknowledgement…</source>
        <translation>登记对方确认…</translation>
    </message>
    <message>
        <source>Save a copy of the PDF…</source>
        <translation>另存 PDF 副本…</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>打印……</translation>
    </message>
    <message>
        <source>Recall…</source>
        <translation>撤回……</translation>
    </message>
    <message>
        <source>Recall a delivered referral: a signed notice goes to the agency through the outbox.</source>
        <translation>撤回已送达的转介：一份已签名的撤回通知会通过发件箱送给接收机构。</translation>
    </message>
    <message>
        <source>drafted by %1 on %2</source>
        <translation>%1 于 %2 起草</translation>
    </message>
    <message>
        <source>signed by %1 on %2</source>
        <translation>%1 于 %2 签署</translation>
    </message>
    <message>
        <source>delivered to %1</source>
        <translation>送达 %1</translation>
    </message>
    <message>
        <source>confirmed: %1</source>
        <translation>对方确认：%1</translation>
    </message>
    <message>
        <source>recalled by %1 on %2: %3</source>
        <translation>%1 于 %2 撤回：%3</translation>
    </message>
    <message>
        <source>%1 delivered: %2</source>
        <translation>%1 已送达：%2</translation>
    </message>
    <message>
        <source>Record acknowledgement</source>
        <translation>登记对方确认</translation>
    </message>
    <message>
        <source>Who at %1 confirmed receipt, how and when:</source>
        <translation>%1 由谁、以何种方式、在何时确认收到：</translation>
    </message>
    <message>
        <source>Acknowledgement recorded.</source>
        <translation>已登记对方确认。</translation>
    </message>
    <message>
        <source>Save a copy of the signed PDF</source>
        <translation>另存已签名 PDF 的副本</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Saved: %1</source>
        <translation>已保存：%1</translation>
    </message>
    <message>
        <source>%1 sent to the printer.</source>
        <translation>%1 已发送到打印机。</translation>
    </message>
    <message>
        <source>%1 recalled; the notice is in the outbox.</source>
        <translation>%1 已撤回，撤回通知已放入发件箱。</translation>
    </message>
    <message>
        <source>Export the studio certificate</source>
        <translation>导出工作室证书</translation>
    </message>
    <message>
        <source>Certificates (*.pem)</source>
        <translation>证书 (*.pem)</translation>
    </message>
    <message>
        <source>Certificate saved: %1 — fingerprint (SHA-256) %2</source>
        <translation>证书已保存：%1 — 指纹（SHA-256）%2</translation>
    </message>
</context>
<context>
    <name>RegisterImportPanel</name>
    <message>
        <source>Bring the studio&apos;s earlier register (Excel or CSV) into Xinhe. Each row becomes a case of the counsellor named in it, with its client; a summary becomes an imported note on the case. You see counts and problems, not the clients&apos; details. All rows are imported or none, and importing the same rows again creates nothing.</source>
        <translation>把工作室以前的登记表（Excel 或 CSV）导入馨和。每一行成为表中所写咨询师负责的个案及其当事人；情况摘要成为个案上的一条导入记录。您只看到数量和问题，看不到当事人的详细信息。要么全部导入，要么一行也不导入；同样的行再导入一次不会重复创建。</translation>
    </message>
    <message>
        <source>Import a register…</source>
        <translation>导入登记表…</translation>
    </message>
    <message>
        <source>A supervisor imports it on her dashboard: &quot;Import a register…&quot; under the new dispatches from the platform.</source>
        <translation>请督导在自己的工作台导入：“平台新分拨的个案”下的“导入登记表…”。</translation>
    </message>
</context>
<context>
    <name>RegisterImportWizard</name>
    <message>
        <source>Import a register</source>
        <translation>导入登记表</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>上一步</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Choose the studio&apos;s register: an Excel workbook (.xlsx) or a CSV file saved by Excel (UTF-8 or GBK). Its first sheet is read; nothing is written until you import.</source>
        <translation>请选择工作室的登记表：Excel 工作簿（.xlsx），或由 Excel 保存的 CSV 文件（UTF-8 或 GBK）。读取第一个工作表；在您点击“导入”之前不会写入任何内容。</translation>
    </message>
    <message>
        <source>Register file</source>
        <translation>登记表文件</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Column in the file</source>
        <translation>文件中的列</translation>
    </message>
    <message>
        <source>Holds</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Rows whose counsellor has no account go to:</source>
        <translation>表中咨询师没有账户的行交给：</translation>
    </message>
    <message>
        <source>Save the mapping…</source>
        <translation>保存列映射…</translation>
    </message>
    <message>
        <source>Dry run</source>
        <translation>试导入</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Choose the register</source>
        <translation>选择登记表</translation>
    </message>
    <message>
        <source>Registers (%1)</source>
        <translation>登记表（%1）</translation>
    </message>
    <message>
        <source>Excel workbook, sheet “%1”</source>
        <translation>Excel 工作簿，工作表“%1”</translation>
    </message>
    <message>
        <source>CSV file, encoding %1</source>
        <translation>CSV 文件，编码 %1</translation>
    </message>
    <message>
        <source>%1: %2; header in row %3. Check what each column holds.</source>
        <translation>%1：%2；表头在第 %3 行。请核对每一列的内容。</translation>
    </message>
    <message>
        <source>(not imported)</source>
        <translation>（不导入）</translation>
    </message>
    <message>
        <source>(nobody: such rows are problems)</source>
        <translation>（不指定：这些行将列为问题）</translation>
    </message>
    <message>
        <source>Save the mapping</source>
        <translation>保存列映射</translation>
    </message>
    <message>
        <source>Mapping files (*.json)</source>
        <translation>映射文件（*.json）</translation>
    </message>
    <message>
        <source>Fix these rows in the file (or the columns or the counsellor here) and run the dry run again: nothing is imported while any row has a problem.</source>
        <translation>请在文件中修正这些行（或在此调整列映射、负责人）后再次试导入：只要还有一行有问题，就不会导入任何记录。</translation>
    </message>
    <message>
        <source>Imported: %1 case(s) for %2 client(s), %3 imported summary note(s). Rows imported before: %4 (not created again). The import is in the audit log.</source>
        <translation>已导入：%1 个个案，%2 位当事人，%3 条导入的情况摘要。以前导入过的行：%4（未重复创建）。本次导入已记入审计日志。</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
</context>
<context>
    <name>RestorePage</name>
    <message>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Restore from a backup</source>
        <translation>从备份恢复</translation>
    </message>
    <message>
        <source>For a new computer, or after this computer&apos;s vault was lost. You need the backup file and the recovery key written down at set-up.</source>
        <translation>用于新电脑，或这台电脑上的数据库丢失之后。需要备份文件和设置时抄下的恢复密钥。</translation>
    </message>
    <message>
        <source>e.g. E:\xinhe-backup-20260301.xhbak</source>
        <translation>例如 E:\xinhe-backup-20260301.xhbak</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择……</translation>
    </message>
    <message>
        <source>Backup file</source>
        <translation>备份文件</translation>
    </message>
    <message>
        <source>Recovery key</source>
        <translation>恢复密钥</translation>
    </message>
    <message>
        <source>The records are restored into %1. Nothing that is already there is overwritten without asking.</source>
        <translation>记录将恢复到 %1。那里已有的内容不会在未经询问的情况下被覆盖。</translation>
    </message>
    <message>
        <source>Choose the backup file</source>
        <translation>选择备份文件</translation>
    </message>
    <message>
        <source>Xinhe backups (*%1);;All files (*)</source>
        <translation>馨和备份文件 (*%1);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Checking the backup and restoring it…</source>
        <translation>正在校验备份并恢复……</translation>
    </message>
    <message>
        <source>Replace the vault?</source>
        <translation>替换数据库？</translation>
    </message>
    <message>
        <source>There is already a vault in %1. Replace it with the backup? The vault that is there now is kept aside, in a folder named with today&apos;s date and time.</source>
        <translation>%1 已有一个数据库。要用备份替换它吗？现有的数据库会保留在旁边一个以今天日期和时间命名的文件夹中。</translation>
    </message>
</context>
<context>
    <name>RestoredPage</name>
    <message>
        <source>The records are restored</source>
        <translation>记录已恢复</translation>
    </message>
    <message>
        <source>Set a new password for an administrator now (this uses the recovery key you typed), then give the others new passwords under Admin.</source>
        <translation>请现在为一位管理员设置新密码（将使用您刚输入的恢复密钥），然后在“管理”中为其他人设置新密码。</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <source>Password again</source>
        <translation>再次输入密码</translation>
    </message>
    <message>
        <source>Set the password and open</source>
        <translation>设置密码并打开</translation>
    </message>
    <message numerus="yes">
        <source>The backup of %1 (%2, %n case(s)) is restored on this computer.</source>
        <translation>
            <numerusform>%1 的备份（%2，%n 个个案）已恢复到这台电脑。</numerusform>
        </translation>
    </message>
    <message>
        <source>The vault that was there is kept in %1.</source>
        <translation>原来的数据库保留在 %1。</translation>
    </message>
    <message>
        <source>These accounts sign in with their passwords: %1</source>
        <translation>这些账户可以用原密码登录：%1</translation>
    </message>
    <message>
        <source>These accounts were bound to another workstation and need new passwords: %1</source>
        <translation>这些账户绑定在另一台工作站，需要设置新密码：%1</translation>
    </message>
    <message numerus="yes">
        <source>The password needs at least %n characters.</source>
        <translation>
            <numerusform>密码至少需要 %n 个字符。</numerusform>
        </translation>
    </message>
    <message>
        <source>The two passwords are not the same.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>RetentionScreen</name>
    <message>
        <source>Retention</source>
        <translation>保存期限</translation>
    </message>
    <message>
        <source>Closed cases are kept for a set number of years after closure, then purged: personal information is kept no longer than necessary. These cases are past their time.</source>
        <translation>已结案的个案在结案后保存规定的年数，然后清除：个人信息的保存不超过必要的期限。以下个案已超过保存期限。</translation>
    </message>
    <message>
        <source>No closed case is past its retention period.</source>
        <translation>没有超过保存期限的已结案个案。</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Purge selected…</source>
        <translation>清除所选……</translation>
    </message>
    <message>
        <source>Retention periods (years after closure)</source>
        <translation>保存期限（结案后的年数）</translation>
    </message>
    <message>
        <source>Cases that never went past intake</source>
        <translation>仅停留在接案阶段的个案</translation>
    </message>
    <message>
        <source>Save periods</source>
        <translation>保存这些期限</translation>
    </message>
    <message numerus="yes">
        <source>Purged %n case(s): %1</source>
        <translation>
            <numerusform>已清除 %n 个个案：%1</numerusform>
        </translation>
    </message>
    <message>
        <source>The database file could not be compacted just now (another program is using it); it will be the next time this list is opened.</source>
        <translation>数据库文件暂时无法压缩（另一个程序正在使用），下次打开此列表时会再压缩。</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
</context>
<context>
    <name>ReviewPreview</name>
    <message>
        <source>Asked by %1 on %2</source>
        <translation>%1 于 %2 提交</translation>
    </message>
</context>
<context>
    <name>ReviewScreen</name>
    <message>
        <source>Review queue</source>
        <translation>督导审核队列</translation>
    </message>
    <message>
        <source>High-risk cases are to be reviewed within 24 hours of becoming high risk. Notes on high-risk cases wait here for your co-signature.</source>
        <translation>个案成为高风险后须在 24 小时内审核。高风险个案的记录会在这里等待您会签。</translation>
    </message>
    <message>
        <source>Show handled items</source>
        <translation>显示已处理事项</translation>
    </message>
    <message>
        <source>Time left</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <source>What</source>
        <translation>事项</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>个案</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>当事人</translation>
    </message>
    <message>
        <source>Risk</source>
        <translation>风险</translation>
    </message>
    <message>
        <source>Asked by</source>
        <translation>提出人</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>意见</translation>
    </message>
    <message>
        <source>Choose an item to read what it is about here.</source>
        <translation>选择一项，即可在这里阅读它的内容。</translation>
    </message>
    <message>
        <source>Open the case</source>
        <translation>打开个案</translation>
    </message>
    <message>
        <source>Co-sign / mark reviewed</source>
        <translation>会签 / 标记已审核</translation>
    </message>
    <message>
        <source>Return with a comment…</source>
        <translation>退回并附意见……</translation>
    </message>
    <message>
        <source>Change risk…</source>
        <translation>调整风险……</translation>
    </message>
    <message>
        <source>Reassign…</source>
        <translation>改派……</translation>
    </message>
    <message>
        <source>Nothing is waiting for you.</source>
        <translation>没有等待您处理的事项。</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在载入……</translation>
    </message>
    <message>
        <source>the crisis intervention record of %1</source>
        <translation>%1 的危机干预记录</translation>
    </message>
    <message>
        <source>the session note of %1</source>
        <translation>%1 的咨询记录</translation>
    </message>
    <message>
        <source>the high-risk review of %1</source>
        <translation>%1 的高风险个案审核</translation>
    </message>
    <message>
        <source>the review request of %1</source>
        <translation>%1 的督导审阅请求</translation>
    </message>
    <message>
        <source>Co-sign %1? You confirm that you have read it; it is kept with your name and the time.</source>
        <translation>会签 %1？会签表示您已阅读这份记录，会签将记下您的姓名和时间。</translation>
    </message>
    <message>
        <source>Co-signed %1.</source>
        <translation>已会签 %1。</translation>
    </message>
    <message>
        <source>Mark %1 as reviewed?</source>
        <translation>将 %1标记为已审核？</translation>
    </message>
    <message>
        <source>Reviewed: %1.</source>
        <translation>已审核 %1。</translation>
    </message>
    <message>
        <source>Co-sign</source>
        <translation>会签</translation>
    </message>
    <message>
        <source>Mark reviewed</source>
        <translation>标记为已审核</translation>
    </message>
    <message>
        <source>Returned %1 to the counsellor with your comment.</source>
        <translation>已将 %1退回咨询师，并附上您的意见。</translation>
    </message>
    <message>
        <source>Return with a comment</source>
        <translation>退回并附意见</translation>
    </message>
    <message>
        <source>Comment for the counsellor</source>
        <translation>给咨询师的意见</translation>
    </message>
    <message>
        <source>Change the risk level</source>
        <translation>调整风险等级</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
</context>
<context>
    <name>RiskSignals</name>
    <message>
        <source>same ID number</source>
        <translation>身份证号相同</translation>
    </message>
    <message>
        <source>same phone</source>
        <translation>电话相同</translation>
    </message>
    <message>
        <source>same name and year of birth</source>
        <translation>姓名和出生年份相同</translation>
    </message>
    <message>
        <source>Risk signals: the same person who harmed clients in several cases</source>
        <translation>风险提示：同一施暴人出现在多个个案中</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>人员</translation>
    </message>
    <message>
        <source>Born</source>
        <translation>出生年份</translation>
    </message>
    <message>
        <source>Cases</source>
        <translation>个案</translation>
    </message>
    <message>
        <source>Why taken for the same person</source>
        <translation>判定为同一人的依据</translation>
    </message>
    <message>
        <source>No one found in more than one case.</source>
        <translation>没有发现出现在多个个案中的人员。</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>督导</translation>
    </message>
    <message>
        <source>Counsellor</source>
        <translation>咨询师</translation>
    </message>
    <message>
        <source>Staff</source>
        <translation>工作人员</translation>
    </message>
</context>
<context>
    <name>SearchBox</name>
    <message>
        <source>Search notes, names, case numbers (Ctrl+F)</source>
        <translation>搜索记录、姓名、个案编号 (Ctrl+F)</translation>
    </message>
    <message numerus="yes">
        <source>%n result(s)</source>
        <translation>
            <numerusform>找到 %n 条</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing found.</source>
        <translation>没有找到。</translation>
    </message>
</context>
<context>
    <name>SessionDialog</name>
    <message>
        <source>Session note</source>
        <translation>咨询记录</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>Everyone served in this session counts as one person-time.</source>
        <translation>本次服务的每个人计为一人次。</translation>
    </message>
    <message>
        <source>Persons served</source>
        <translation>服务人数</translation>
    </message>
    <message>
        <source>Time, duration, form</source>
        <translation>时间、时长、方式</translation>
    </message>
    <message>
        <source>Save draft</source>
        <translation>保存草稿</translation>
    </message>
    <message>
        <source>Sign and lock</source>
        <translation>签名并锁定</translation>
    </message>
    <message>
        <source>A signed note can no longer be changed; corrections are added as addenda.</source>
        <translation>签名后的记录不能再修改，更正以补充说明的方式添加。</translation>
    </message>
    <message>
        <source>Once signed, this note is locked: it can no longer be changed, and corrections are added as addenda.</source>
        <translation>签名后这份记录即锁定，不能再修改；如需更正，请添加补充说明。</translation>
    </message>
    <message>
        <source>This is a high-risk case: the signed note goes to the supervisor for co-signing.</source>
        <translation>这是高风险个案：签名后，记录将送交督导会签。</translation>
    </message>
    <message>
        <source>Sign and lock the note?</source>
        <translation>签名并锁定这份记录？</translation>
    </message>
</context>
<context>
    <name>SetupWizard</name>
    <message>
        <source>Xinhe — first-time set-up</source>
        <translation>馨和 — 首次设置</translation>
    </message>
    <message>
        <source>Create the vault</source>
        <translation>创建数据库</translation>
    </message>
    <message>
        <source>Workstation binding is on: a copy of the vault taken to another computer cannot be opened with a password alone.</source>
        <translation>工作站绑定已启用：数据库被复制到别的电脑上，仅凭密码无法打开。</translation>
    </message>
    <message>
        <source>Workstation binding is off: this computer offers no secure keyring, so a copied vault is protected by the passwords alone.</source>
        <translation>工作站绑定未启用：这台电脑没有安全的系统密钥环，被复制走的数据库只受密码保护。</translation>
    </message>
    <message>
        <source>Recovery key</source>
        <translation>恢复密钥</translation>
    </message>
    <message>
        <source>The vault has been created. Please print the recovery key (or write it down and tick the box) before leaving: it cannot be shown again.</source>
        <translation>数据库已创建。离开前请打印恢复密钥（或手抄后勾选确认）：它不会再次显示。</translation>
    </message>
</context>
<context>
    <name>SignPage</name>
    <message>
        <source>Sign</source>
        <translation>签署</translation>
    </message>
    <message>
        <source>Signing cannot be undone: a signed referral is never changed.</source>
        <translation>签署后不能撤回：已签署的转介不会再被修改。</translation>
    </message>
    <message>
        <source>Your password</source>
        <translation>您的密码</translation>
    </message>
    <message>
        <source>Then it goes to the platform&apos;s outbox: %1</source>
        <translation>随后送往平台发件箱：%1</translation>
    </message>
    <message>
        <source>No outbox is set yet, so the signed PDF stays in the vault until the administrator sets one and it is delivered again.</source>
        <translation>目前尚未设置发件箱：已签名的 PDF 会保存在数据库中，待管理员设置发件箱后再重新送达。</translation>
    </message>
    <message>
        <source>The packet is signed with the studio&apos;s certificate and names you, %1, as the person who exported it.</source>
        <translation>转介材料将用工作室证书签名，并写明导出人是您：%1。</translation>
    </message>
    <message>
        <source>Type your password to confirm it is you.</source>
        <translation>请输入您的密码，确认是您本人。</translation>
    </message>
</context>
<context>
    <name>StatisticsCharts</name>
    <message>
        <source>Monthly trend</source>
        <translation>月度趋势</translation>
    </message>
    <message>
        <source>Cases served</source>
        <translation>服务个案数</translation>
    </message>
    <message>
        <source>Person-times</source>
        <translation>服务人次</translation>
    </message>
    <message>
        <source>Category mix of new cases</source>
        <translation>新增个案类别构成</translation>
    </message>
    <message>
        <source>Category mix of new cases: none in this period</source>
        <translation>新增个案类别构成：本期间没有新增个案</translation>
    </message>
    <message>
        <source>Open cases by risk level at month end</source>
        <translation>月末在案个案（按风险等级）</translation>
    </message>
</context>
<context>
    <name>StatisticsScreen</name>
    <message>
        <source>Statistics</source>
        <translation>统计</translation>
    </message>
    <message>
        <source>Monthly trend</source>
        <translation>月度趋势</translation>
    </message>
    <message>
        <source>Category mix</source>
        <translation>类别构成</translation>
    </message>
    <message>
        <source>Risk levels</source>
        <translation>风险等级</translation>
    </message>
    <message>
        <source>By month</source>
        <translation>按月</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <source>Last month</source>
        <translation>上月</translation>
    </message>
    <message>
        <source>This quarter</source>
        <translation>本季度</translation>
    </message>
    <message>
        <source>Last quarter</source>
        <translation>上季度</translation>
    </message>
    <message>
        <source>Year to date</source>
        <translation>本年至今</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>统计期间</translation>
    </message>
    <message>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <source>To</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>The figures as a spreadsheet for the district (UTF-8, opens in Excel).</source>
        <translation>各项数字导出为表格，供向区里报送（UTF-8 编码，可直接用 Excel 打开）。</translation>
    </message>
    <message>
        <source>Export signed PDF…</source>
        <translation>导出签名 PDF…</translation>
    </message>
    <message>
        <source>The report with its charts, signed with the studio&apos;s certificate.</source>
        <translation>含图表的统计报告，以工作室证书电子签名。</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>打印……</translation>
    </message>
    <message>
        <source>All counsellors</source>
        <translation>全部咨询师</translation>
    </message>
    <message>
        <source>Counsellor</source>
        <translation>咨询师</translation>
    </message>
    <message>
        <source>All communities</source>
        <translation>全部社区</translation>
    </message>
    <message>
        <source>Community</source>
        <translation>社区</translation>
    </message>
    <message>
        <source>Your own cases only.</source>
        <translation>只统计您自己负责的个案。</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>正在统计…</translation>
    </message>
    <message>
        <source>%1 to %2 · %3 days · calendar days in %4</source>
        <translation>%1 至 %2 · 共 %3 天 · 按 %4 日历日统计</translation>
    </message>
    <message>
        <source>This period reaches into the future: figures count up to now.</source>
        <translation>本期间包含未来日期：数字只统计到现在。</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>月份</translation>
    </message>
    <message>
        <source>Cases served</source>
        <translation>服务个案</translation>
    </message>
    <message>
        <source>Person-times</source>
        <translation>服务人次</translation>
    </message>
    <message>
        <source>New cases</source>
        <translation>新增个案</translation>
    </message>
    <message>
        <source>statistics</source>
        <translation>统计</translation>
    </message>
    <message>
        <source>%1 Q%2</source>
        <translation>%1年第%2季度</translation>
    </message>
    <message>
        <source>%1-%2</source>
        <comment>year and month</comment>
        <translation>%1年%2月</translation>
    </message>
    <message>
        <source>Export statistics as CSV</source>
        <translation>导出统计（CSV）</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Writing the CSV file…</source>
        <translation>正在写入 CSV 文件…</translation>
    </message>
    <message>
        <source>Export statistics as a signed PDF</source>
        <translation>导出统计报告（签名 PDF）</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Making and signing the PDF…</source>
        <translation>正在生成并签署 PDF…</translation>
    </message>
    <message>
        <source>Sent to the printer.</source>
        <translation>已发送到打印机。</translation>
    </message>
    <message>
        <source>Saved: %1</source>
        <translation>已保存：%1</translation>
    </message>
</context>
<context>
    <name>Status</name>
    <message>
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>Signed</source>
        <translation>已签名</translation>
    </message>
    <message>
        <source>Awaiting co-signature</source>
        <translation>待督导会签</translation>
    </message>
    <message>
        <source>Co-signed</source>
        <translation>已会签</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>待完成</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>已添加</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>已送达</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>已回执</translation>
    </message>
    <message>
        <source>In force</source>
        <translation>有效</translation>
    </message>
    <message>
        <source>Withdrawn</source>
        <translation>已撤回</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>待发送</translation>
    </message>
    <message>
        <source>Imported</source>
        <translation>已导入</translation>
    </message>
</context>
<context>
    <name>SummaryPage</name>
    <message>
        <source>Situation summary</source>
        <translation>情况摘要</translation>
    </message>
    <message>
        <source>Write for the receiving agency: what happened, what is asked of them, and what they should know for safety.</source>
        <translation>写给接收机构：发生了什么，请他们做什么，以及为了安全他们需要知道什么。</translation>
    </message>
    <message>
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <source>Written by the case&apos;s counsellor; staff cannot change it.</source>
        <translation>由个案的咨询师撰写，工作人员不能修改。</translation>
    </message>
    <message>
        <source>There is no draft of this referral. The case&apos;s counsellor or a supervisor drafts it first.</source>
        <translation>这份转介还没有草稿。请个案的咨询师或督导先起草。</translation>
    </message>
</context>
<context>
    <name>TemplateForm</name>
    <message>
        <source>Keyboard: Y yes · N no · ? don&apos;t know · Delete not yet asked · ↑ ↓ previous / next question</source>
        <translation>键盘：Y 是 · N 否 · ? 不清楚 · Delete 还没问 · ↑ ↓ 上一题 / 下一题</translation>
    </message>
    <message>
        <source>Score: finish the highlighted answers</source>
        <translation>得分：请先完成标红的题目</translation>
    </message>
    <message>
        <source>Not yet assessed</source>
        <translation>未评估</translation>
    </message>
</context>
<context>
    <name>TemplatesTab</name>
    <message>
        <source>Xinhe ships its forms. An organisation may add its own (for example a licensed instrument) in a folder; each file is checked and a broken one is reported with its file and field while the others still load.</source>
        <translation>馨和自带一套表单。机构也可以把自己的表单（例如已获授权的量表）放在一个文件夹里；每个文件都会被检查，有错误的文件会报告文件名和字段，其他表单照常加载。</translation>
    </message>
    <message>
        <source>No organisation folder</source>
        <translation>未设置机构表单文件夹</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择……</translation>
    </message>
    <message>
        <source>Use this folder</source>
        <translation>使用此文件夹</translation>
    </message>
    <message>
        <source>Template folder</source>
        <translation>表单文件夹</translation>
    </message>
    <message>
        <source>Templates</source>
        <translation>模板</translation>
    </message>
    <message>
        <source>Saved. The forms are read again at the next sign-in.</source>
        <translation>已保存，下次登录时重新读取表单。</translation>
    </message>
</context>
<context>
    <name>Time</name>
    <message numerus="yes">
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n 天</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n hour(s)</source>
        <translation>
            <numerusform>%n 小时</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 overdue</source>
        <translation>逾期 %1</translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation>还剩 %1</translation>
    </message>
    <message numerus="yes">
        <source>%n minute(s)</source>
        <translation>
            <numerusform>%n 分钟</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>UnlockWindow</name>
    <message>
        <source>Xinhe — unlock</source>
        <translation>馨和 — 解锁</translation>
    </message>
    <message>
        <source>Xinhe case records</source>
        <translation>馨和个案记录</translation>
    </message>
    <message>
        <source>The records are locked. Sign in to continue.</source>
        <translation>记录已锁定，请登录后继续。</translation>
    </message>
    <message>
        <source>Login name</source>
        <translation>登录名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Forgot password? Use the recovery key…</source>
        <translation>忘记密码？使用恢复密钥……</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在验证……</translation>
    </message>
    <message>
        <source>Enter your login name and password.</source>
        <translation>请输入登录名和密码。</translation>
    </message>
</context>
<context>
    <name>UsersTab</name>
    <message>
        <source>Login name</source>
        <translation>登录名</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Last login</source>
        <translation>最近登录</translation>
    </message>
    <message>
        <source>Add a user…</source>
        <translation>添加用户……</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>停用</translation>
    </message>
    <message>
        <source>Clear lockout</source>
        <translation>解除锁定</translation>
    </message>
    <message>
        <source>Set a new password…</source>
        <translation>设置新密码……</translation>
    </message>
    <message>
        <source>Remove…</source>
        <translation>删除……</translation>
    </message>
    <message>
        <source>Removing a user deletes their key and re-encrypts the vault under a new key, so nothing they may have kept can open it again. Their name stays on the records they wrote.</source>
        <translation>删除用户会删去其密钥，并用新密钥重新加密数据库，该用户可能留存的任何东西都无法再打开它。其姓名仍保留在其写过的记录上。</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>在用</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>locked until %1</source>
        <translation>锁定至 %1</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Add a user</source>
        <translation>添加用户</translation>
    </message>
    <message>
        <source>Give the person their initial password in person; they can change it after signing in.</source>
        <translation>请当面把初始密码告诉对方；对方登录后可以修改。</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Initial password</source>
        <translation>初始密码</translation>
    </message>
    <message>
        <source>Password again</source>
        <translation>再次输入密码</translation>
    </message>
    <message>
        <source>New password for %1</source>
        <translation>为 %1 设置新密码</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <source>Setting someone&apos;s password is a key change.</source>
        <translation>为他人设置密码属于密钥变更。</translation>
    </message>
    <message>
        <source>Remove a user</source>
        <translation>删除用户</translation>
    </message>
    <message>
        <source>Remove %1? They will no longer be able to sign in, and the vault is re-encrypted under a new key. This cannot be undone.</source>
        <translation>确定删除 %1 吗？其将无法再登录，数据库会用新密钥重新加密。此操作无法撤销。</translation>
    </message>
    <message>
        <source>Removing a user changes the vault&apos;s key.</source>
        <translation>删除用户会更换数据库密钥。</translation>
    </message>
</context>
</TS>
