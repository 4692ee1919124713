<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
  <context>
    <name>AdminPage</name>
    <message>
      <source>Administrator account</source>
      <translation>管理员账户</translation>
    </message>
    <message>
      <source>The administrator manages accounts, templates and backups. They cannot read case records.</source>
      <translation>管理员负责账户、模板和备份，但不能查看个案记录。</translation>
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
    <message numerus="yes">
      <source>Backup written and verified: %1 (%2, %n case(s)).</source>
      <translation>
        <numerusform>备份已写入并验证：%1（%2，%n 个个案）。</numerusform>
      </translation>
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
      <source>A backup is one encrypted file holding every record, attachment and account. It opens only with the recovery key. Keep copies away from this computer: a USB stick locked away, or the studio's share.</source>
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
      <source>e.g. a USB stick or the studio's share</source>
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
      <source>No verified backup of the records has been made yet. If this computer's disk fails, every record is lost.</source>
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
      <source>Closing the records (and making the automatic backup, if it is switched on)…</source>
      <translation>正在关闭记录（如已开启自动备份，正在备份）……</translation>
    </message>
  </context>
  <context>
    <name>DonePage</name>
    <message>
      <source>Ready</source>
      <translation>设置完成</translation>
    </message>
    <message>
      <source>The vault is ready. Next, add the accounts of your supervisors, counsellors and staff under Admin.</source>
      <translation>数据库已就绪。下一步，请在“管理”中为督导、咨询师和工作人员添加账户。</translation>
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
    <name>MainWindow</name>
    <message>
      <source>Xinhe — %1</source>
      <translation>馨和 — %1</translation>
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
      <source>Lock (Ctrl+L)</source>
      <translation>锁定 (Ctrl+L)</translation>
    </message>
    <message>
      <source>Lock now: the records close until you sign in again.</source>
      <translation>立即锁定：重新登录前记录不可查看。</translation>
    </message>
    <message>
      <source>Dashboard</source>
      <translation>工作台</translation>
    </message>
    <message>
      <source>Your due follow-ups, legal clocks and high-risk cases.</source>
      <translation>您到期的回访、法定时限和高风险个案。</translation>
    </message>
    <message>
      <source>Cases</source>
      <translation>个案</translation>
    </message>
    <message>
      <source>All cases you may see.</source>
      <translation>您有权查看的全部个案。</translation>
    </message>
    <message>
      <source>Follow-ups</source>
      <translation>回访</translation>
    </message>
    <message>
      <source>Follow-up visits due and done.</source>
      <translation>到期和已完成的回访。</translation>
    </message>
    <message>
      <source>Review</source>
      <translation>督导审核</translation>
    </message>
    <message>
      <source>High-risk cases and notes waiting for a supervisor.</source>
      <translation>等待督导处理的高风险个案和记录。</translation>
    </message>
    <message>
      <source>Referrals</source>
      <translation>转介</translation>
    </message>
    <message>
      <source>Referral packets to police, court and other agencies.</source>
      <translation>发送给公安、法院等机构的转介材料。</translation>
    </message>
    <message>
      <source>Statistics</source>
      <translation>统计</translation>
    </message>
    <message>
      <source>Figures for the district's reports.</source>
      <translation>区里报表所需的数据。</translation>
    </message>
    <message>
      <source>Retention</source>
      <translation>保存期限</translation>
    </message>
    <message>
      <source>Admin</source>
      <translation>管理</translation>
    </message>
    <message>
      <source>Accounts, templates, lock settings and backup.</source>
      <translation>账户、模板、锁定设置和备份。</translation>
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
      <source>Copy</source>
      <translation>复制</translation>
    </message>
    <message>
      <source>The clipboard is cleared again after 30 seconds.</source>
      <translation>30 秒后会自动清空剪贴板。</translation>
    </message>
    <message>
      <source>Write it on paper and keep it in the studio's safe or a locked drawer. Do not store it on this computer or send it by WeChat or e-mail.</source>
      <translation>请把它抄在纸上，放进工作室的保险柜或上锁的抽屉。不要存在这台电脑上，也不要通过微信或电子邮件发送。</translation>
    </message>
    <message>
      <source>I have written the recovery key down and stored it safely</source>
      <translation>我已抄写恢复密钥并妥善保管</translation>
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
      <source>For a new computer, or after this computer's vault was lost. You need the backup file and the recovery key written down at set-up.</source>
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
      <source>There is already a vault in %1. Replace it with the backup? The vault that is there now is kept aside, in a folder named with today's date and time.</source>
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
      <source>The vault has been created. Please write down the recovery key and tick the box before leaving: it cannot be shown again.</source>
      <translation>数据库已创建。离开前请抄下恢复密钥并勾选确认：它不会再次显示。</translation>
    </message>
  </context>
  <context>
    <name>StudioPage</name>
    <message>
      <source>Your studio</source>
      <translation>您的工作室</translation>
    </message>
    <message>
      <source>The name appears on referral documents and reports.</source>
      <translation>该名称会出现在转介文书和报表上。</translation>
    </message>
    <message>
      <source>Xinhe Home Studio</source>
      <translation>馨和家园工作室</translation>
    </message>
    <message>
      <source>Studio name</source>
      <translation>机构名称</translation>
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
    <name>WelcomePage</name>
    <message>
      <source>Welcome to Xinhe</source>
      <translation>欢迎使用馨和</translation>
    </message>
    <message>
      <source>Xinhe keeps the studio's case records on this computer, encrypted. Only the people you give an account can open them.</source>
      <translation>馨和把工作室的个案记录加密保存在这台电脑上，只有您分配了账户的人才能打开。</translation>
    </message>
    <message>
      <source>In the next steps you name the studio, create the administrator account, and receive a recovery key. Keep the recovery key on paper in a locked place: it is the only way back in if every password is forgotten.</source>
      <translation>接下来您将填写机构名称、创建管理员账户，并获得一个恢复密钥。请把恢复密钥抄在纸上锁好：所有密码都忘记时，只有它能打开数据库。</translation>
    </message>
    <message>
      <source>Language:</source>
      <translation>语言：</translation>
    </message>
    <message>
      <source>Set up a new vault</source>
      <translation>建立新的数据库</translation>
    </message>
    <message>
      <source>Restore the records from a backup file (a new computer, or after a disk failure)</source>
      <translation>从备份文件恢复记录（新电脑，或磁盘损坏之后）</translation>
    </message>
  </context>
</TS>