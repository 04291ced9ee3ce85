; Hearth for Windows: NSIS installer script.
; Build on Windows after `cmake --install build --prefix dist` with windeployqt run on
; dist/bin/hearth.exe:   makensis /DVERSION=0.1.0 /DDIST=..\dist installer\hearth.nsi
; It cannot be exercised on the Linux CI; the .deb is the tested package.

Unicode true
!ifndef VERSION
  !define VERSION "0.1.0"
!endif
!ifndef DIST
  !define DIST "..\dist"
!endif

Name "Hearth ${VERSION}"
OutFile "Hearth-${VERSION}-setup.exe"
InstallDir "$PROGRAMFILES64\Hearth"
InstallDirRegKey HKLM "Software\Hearth" "InstallDir"
RequestExecutionLevel admin
SetCompressor /SOLID lzma

!include "MUI2.nsh"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Section "Hearth" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  File /r "${DIST}\bin\*.*"
  WriteRegStr HKLM "Software\Hearth" "InstallDir" "$INSTDIR"
  WriteUninstaller "$INSTDIR\Uninstall.exe"
  CreateDirectory "$SMPROGRAMS\Hearth"
  CreateShortcut "$SMPROGRAMS\Hearth\Hearth.lnk" "$INSTDIR\hearth.exe"
  CreateShortcut "$DESKTOP\Hearth.lnk" "$INSTDIR\hearth.exe"
  WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Uninstall\Hearth" "DisplayName" "Hearth"
  WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Uninstall\Hearth" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Uninstall\Hearth" "UninstallString" "$INSTDIR\Uninstall.exe"
SectionEnd

; Conversations and models live in the user's AppData and are kept on uninstall.
Section "Uninstall"
  Delete "$SMPROGRAMS\Hearth\Hearth.lnk"
  RMDir "$SMPROGRAMS\Hearth"
  Delete "$DESKTOP\Hearth.lnk"
  RMDir /r "$INSTDIR"
  DeleteRegKey HKLM "Software\Microsoft\Windows\CurrentVersion\Uninstall\Hearth"
  DeleteRegKey HKLM "Software\Hearth"
SectionEnd
