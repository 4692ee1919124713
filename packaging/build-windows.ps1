# Build Xinhe for Windows 10/11 x64: the wheel, the frozen folder (PyInstaller), a zip of it
# and SHA256SUMS, in dist\. Run from a clone of the repository, in PowerShell:
#   powershell -ExecutionPolicy Bypass -File packaging\build-windows.ps1
# Needs 64-bit Python 3.11 (python.org) and uv (py -3.11 -m pip install uv). Uses its own
# virtual environment (.venv-windows) from packaging\windows\requirements.lock: the same pins
# as requirements.lock plus what Windows needs (pywin32-ctypes for the Credential Manager,
# pefile for PyInstaller), all hash-checked.
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")

function Invoke-Checked {
    # Native commands do not stop the script on failure by themselves.
    & $args[0] $args[1..($args.Count - 1)]
    if ($LASTEXITCODE -ne 0) { throw "failed ($LASTEXITCODE): $($args -join ' ')" }
}

$Venv = ".venv-windows"
$Python = Join-Path $Venv "Scripts\python.exe"
if (-not (Test-Path $Python)) { Invoke-Checked uv venv --python 3.11 $Venv }
Invoke-Checked uv pip sync --require-hashes --python $Python packaging\windows\requirements.lock
$Version = (& $Python -c "import xinhe; print(xinhe.__version__)").Trim()

Remove-Item -Recurse -Force dist, build\pyinstaller -ErrorAction SilentlyContinue
New-Item -ItemType Directory dist | Out-Null
Write-Host "wheel..."
Invoke-Checked uv build --wheel --quiet --out-dir dist .
Write-Host "frozen program (PyInstaller)..."
Invoke-Checked (Join-Path $Venv "Scripts\pyinstaller.exe") --noconfirm --clean --log-level ERROR `
    --distpath dist --workpath build\pyinstaller packaging\xinhe.spec

Write-Host "smoke test..."
Invoke-Checked powershell -ExecutionPolicy Bypass -File packaging\windows\smoke.ps1 dist\xinhe\xinhe-cli.exe

Write-Host "archive..."
Compress-Archive -Path dist\xinhe -DestinationPath "dist\xinhe-$Version-windows-x64.zip"

# The same format as sha256sum (lower-case hash, two spaces, name): checkable on either system.
$Sums = Get-ChildItem dist -File | Where-Object { $_.Name -ne "SHA256SUMS" } | ForEach-Object {
    "$((Get-FileHash $_.FullName -Algorithm SHA256).Hash.ToLower())  $($_.Name)"
}
Set-Content -Path dist\SHA256SUMS -Value $Sums -Encoding ascii
Write-Host "built in dist\:"
Get-Content dist\SHA256SUMS
