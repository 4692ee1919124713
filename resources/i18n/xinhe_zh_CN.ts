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
    <name>FiguresModel</name>
    <message>
      <source>Figure</source>
      <translation>指标</translation>
    </message>
    <message>
      <source>Value</source>
      <translation>数值</translation>
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
      <source>The report with its charts, signed with the studio's certificate.</source>
      <translation>含图表的统计报告，以工作室证书电子签名。</translation>
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
      <source>Saved: %1</source>
      <translation>已保存：%1</translation>
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
  </context>
</TS>