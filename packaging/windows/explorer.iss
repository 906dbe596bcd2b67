; Trial Evidence Explorer: the Windows installer (Inno Setup 6).
;
; NOT BUILT HERE. CI builds the Linux bundle and .deb only; this script and build.ps1 are
; for a Windows 10/11 x64 machine with Python 3.11 and Inno Setup 6. Run build.ps1, which
; builds the PyInstaller one-folder bundle (packaging\explorer.spec), self-tests it, then
; compiles this script:  ISCC.exe /DAppVersion=0.1.0 packaging\windows\explorer.iss
;
; Installs per user by default (no administrator rights needed; an administrator may
; choose all users), a Start menu entry, optionally a desktop icon, and an uninstaller
; that removes every installed file. The app needs no network and writes only its
; settings in the user's application-data folder.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Trial Evidence Explorer"
#define AppExe "trial-evidence-explorer.exe"
#define Root "..\.."

[Setup]
AppId={{6F1C5E2A-8B7D-4F0E-9C3A-2D5B7E9A1C40}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Trial Evidence Explorer team
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#Root}\dist
OutputBaseFilename=trial-evidence-explorer-{#AppVersion}-setup
SetupIconFile={#Root}\build\packaging\icons\explorer.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole one-folder bundle, as built by packaging\explorer.spec.
Source: "{#Root}\dist\trial-evidence-explorer\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#StringChange(AppName, '&', '&&')}}"; Flags: nowait postinstall skipifsilent
