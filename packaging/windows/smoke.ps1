# Smoke test of the frozen Windows build (the console twin, xinhe-cli.exe):
#   powershell -ExecutionPolicy Bypass -File packaging\windows\smoke.ps1 dist\xinhe\xinhe-cli.exe
# The same checks as packaging/smoke.sh: version line, templates, a demo vault (production
# KDF), a signed referral verified, the vault opened, the unlock window (offscreen).
param([Parameter(Mandatory = $true)][string]$Xinhe)
$ErrorActionPreference = "Stop"
$Work = Join-Path ([System.IO.Path]::GetTempPath()) ("xinhe-smoke-" + [guid]::NewGuid())
New-Item -ItemType Directory $Work | Out-Null
$Vault = Join-Path $Work "vault"
$env:QT_QPA_PLATFORM = "offscreen"

function Step($Name, [scriptblock]$Check) {
    Write-Host -NoNewline ("  {0,-58}" -f $Name)
    # -match on a command's output lines gives the matching lines: none is a failure.
    $passed = [bool](& $Check)
    if ($LASTEXITCODE -ne 0 -or -not $passed) { Write-Host "FAILED"; exit 1 }
    Write-Host "ok"
}

try {
    Step "xinhe --version names version, schema and SQLCipher" {
        (& $Xinhe --version) -match '^xinhe [0-9.]+ \(schema [0-9]+, SQLCipher [0-9]'
    }
    Step "xinhe templates check" { (& $Xinhe --lang en templates check) -match "general_intake" }
    Step "xinhe demo (production KDF)" { & $Xinhe --lang en demo --vault $Vault | Out-Null; $true }
    Step "xinhe verify: a signed referral from the demo" {
        "xinhe-admin" | & $Xinhe signing-identity export (Join-Path $Work "studio.pem") `
            --vault $Vault --user admin | Out-Null
        $packet = Get-ChildItem (Join-Path $Vault "outbox") -Filter "*.pdf" | Select-Object -First 1
        (& $Xinhe --lang en verify $packet.FullName --trust (Join-Path $Work "studio.pem")) -match "valid"
    }
    Step "the demo vault opens: cases list as a counsellor" {
        ("xinhe-wangli" | & $Xinhe --lang en cases list --vault $Vault --user wangli) -match "XH-"
    }
    Step "desktop app: the unlock window opens (offscreen)" {
        $env:XINHE_STARTUP_PROBE = "1"
        $shown = & $Xinhe --vault $Vault 2>$null
        Remove-Item Env:XINHE_STARTUP_PROBE
        ($shown -join "`n") -match "SHOWN UnlockWindow"
    }
    Write-Host "smoke test passed"
} finally {
    Remove-Item -Recurse -Force $Work -ErrorAction SilentlyContinue
}
