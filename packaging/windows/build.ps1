# Build the Windows installer of Trial Evidence Explorer.
#
# NOT BUILT HERE: CI builds the Linux bundle and .deb only. Run on Windows 10/11 x64 with
# Python 3.11 (the py launcher) and Inno Setup 6, from any folder:
#
#     powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
#
# Steps: a virtual environment in .venv-windows with the project and its `package` extra
# (PyInstaller); the icon as .ico; the one-folder bundle from packaging\explorer.spec;
# the frozen self-test (offscreen, network refused); the Inno Setup installer in dist\.
param(
    [string]$Python = "py",
    [string]$PythonVersion = "-3.11",
    [string]$Iscc = ""
)
$ErrorActionPreference = "Stop"
$Root = Resolve-Path (Join-Path $PSScriptRoot "..\..")
Set-Location $Root

$Venv = Join-Path $Root ".venv-windows"
$Py = Join-Path $Venv "Scripts\python.exe"
if (-not (Test-Path $Py)) {
    & $Python $PythonVersion -m venv $Venv
    if ($LASTEXITCODE -ne 0) { throw "could not create $Venv" }
}
& $Py -m pip install --upgrade pip
& $Py -m pip install -e ".[package]"
if ($LASTEXITCODE -ne 0) { throw "pip install failed" }
$Version = & $Py -c "import explorer; print(explorer.__version__)"

# Icon: rendered from resources\icons\explorer.svg by Qt (no image tools needed).
$Icons = Join-Path $Root "build\packaging\icons"
& $Py packaging\render_icons.py $Icons --ico (Join-Path $Icons "explorer.ico")
if ($LASTEXITCODE -ne 0) { throw "icon rendering failed" }
$env:EXPLORER_ICON = Join-Path $Icons "explorer.ico"

# The one-folder bundle.
& $Py -m PyInstaller --noconfirm --log-level WARN --distpath dist `
    --workpath build\packaging\pyinstaller packaging\explorer.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }

# Frozen self-test. The app is windowed (no console), so wait for it explicitly and read
# the report from a file.
$Exe = Join-Path $Root "dist\trial-evidence-explorer\trial-evidence-explorer.exe"
$Report = Join-Path $Root "build\packaging\self-test.txt"
$env:QT_QPA_PLATFORM = "offscreen"
$Run = Start-Process -FilePath $Exe -ArgumentList "--self-test" -Wait -PassThru `
    -NoNewWindow -RedirectStandardOutput $Report -RedirectStandardError "$Report.err"
Remove-Item Env:QT_QPA_PLATFORM
Get-Content $Report, "$Report.err"
if ($Run.ExitCode -ne 0) { throw "frozen self-test failed (exit $($Run.ExitCode))" }

# The installer.
if (-not $Iscc) {
    $Iscc = @(
        "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe",
        "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
        "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe"
    ) | Where-Object { Test-Path $_ } | Select-Object -First 1
}
if (-not $Iscc) { throw "Inno Setup 6 (ISCC.exe) not found; install it or pass -Iscc" }
& $Iscc "/DAppVersion=$Version" packaging\windows\explorer.iss
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
Write-Host "dist\trial-evidence-explorer-$Version-setup.exe"
