<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
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
        <source>(nothing recorded)</source>
        <translation>（暂无记录）</translation>
    </message>
    <message>
        <source>not sent to this agency</source>
        <translation>不发送给该机构</translation>
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
        <source>Statistics</source>
        <translation>统计</translation>
    </message>
    <message>
        <source>Figures for the district&apos;s reports.</source>
        <translation>区里报表所需的数据。</translation>
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
        <source>Write it on paper and keep it in the studio&apos;s safe or a locked drawer. Do not store it on this computer or send it by WeChat or e-mail.</source>
        <translation>请把它抄在纸上，放进工作室的保险柜或上锁的抽屉。不要存在这台电脑上，也不要通过微信或电子邮件发送。</translation>
    </message>
    <message>
        <source>I have written the recovery key down and stored it safely</source>
        <translation>我已抄写恢复密钥并妥善保管</translation>
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
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>起草日期</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>送达日期</translation>
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
        <source>Xinhe keeps the studio&apos;s case records on this computer, encrypted. Only the people you give an account can open them.</source>
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
</context>
</TS>
