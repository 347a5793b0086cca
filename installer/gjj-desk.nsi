; gjj-desk-setup-<version>.exe — the clerk's setup program (NSIS 3, Modern UI, Simplified Chinese).
;
;   makensis -INPUTCHARSET UTF8 -DVERSION=0.1.0 -DBUNDLE_DIR=dist\gjj-desk -DOUTDIR=dist installer\gjj-desk.nsi
;
; BUNDLE_DIR is PyInstaller's one-folder bundle (installer/gjj-desk.spec). On Linux `make dist-check`
; compiles this script against the Linux bundle (with -DCOMPRESSION=off, for speed): that proves the
; script compiles; the real Windows installer is built by .github/workflows/windows-installer.yml.
;
; Per user, no administrator rights: the program goes to %LOCALAPPDATA%\Programs\gjj-desk. The
; clerk's data is NOT in the program folder but in %APPDATA%\gjj-desk\gjj-desk (app/paths.py,
; platformdirs), so installing a newer version over an older one keeps it, and the uninstaller
; deletes it only when the clerk ticks the box asking for that.

Unicode true
ManifestDPIAware true
RequestExecutionLevel user

!ifndef VERSION
  !error "pass -DVERSION=x.y.z"
!endif
!ifndef BUNDLE_DIR
  !define BUNDLE_DIR "..\dist\gjj-desk"
!endif
!ifndef OUTDIR
  !define OUTDIR "..\dist"
!endif
!ifdef COMPRESSION
  SetCompress ${COMPRESSION}
!else
  SetCompressor /SOLID lzma
!endif

!define APP_ID "gjj-desk"
!define APP_NAME "住房公积金单位网厅客户端"
!define APP_EXE "gjj-desk.exe"
!define PUBLISHER "gjj-desk"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"
!define ICON_FILE "..\resources\icons\gjj-desk.ico"

Name "${APP_NAME}"
Caption "${APP_NAME} ${VERSION} 安装"
OutFile "${OUTDIR}\gjj-desk-setup-${VERSION}.exe"
InstallDir "$LOCALAPPDATA\Programs\${APP_ID}"
; An upgrade goes where the older version is.
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
BrandingText "${APP_NAME} ${VERSION}"

; Version information of the setup program itself (file properties → 详细信息).
!searchparse /noerrors "${VERSION}.0.0.0" "" VER_1 "." VER_2 "." VER_3 "."
VIProductVersion "${VER_1}.${VER_2}.${VER_3}.0"
VIFileVersion "${VER_1}.${VER_2}.${VER_3}.0"
VIAddVersionKey /LANG=2052 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=2052 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "FileDescription" "${APP_NAME} 安装程序"
VIAddVersionKey /LANG=2052 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=2052 "LegalCopyright" "${PUBLISHER}"

!include "MUI2.nsh"
!include "nsDialogs.nsh"
!include "LogicLib.nsh"

!define MUI_ICON "${ICON_FILE}"
!define MUI_UNICON "${ICON_FILE}"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TEXT "本向导将在您的电脑上安装 ${APP_NAME} ${VERSION}。$\r$\n$\r$\n无需管理员权限，只为当前 Windows 用户安装。$\r$\n$\r$\n如已安装旧版本，将直接升级，已录入的数据、附件和设置都会保留。安装前请先关闭正在运行的客户端。"
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "立即运行 ${APP_NAME}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
UninstPage custom un.DataPage un.DataPageLeave
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "SimpChinese"

Var DeleteData
Var DeleteDataBox

; A running client holds its program file: ask the clerk to close it instead of leaving a
; half-replaced program folder. (Delete sets the error flag only for a file it found and could
; not delete.)
!macro RequireClientClosed UN
  retry_close_${UN}:
  ClearErrors
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\gjj-desk-cli.exe"
  ${If} ${Errors}
    MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "${APP_NAME} 正在运行。请先关闭它（已录入的数据不会丢失），再点“重试”。" /SD IDCANCEL IDRETRY retry_close_${UN}
    Abort "客户端正在运行，已取消。"
  ${EndIf}
!macroend

Section "主程序" SecMain
  SectionIn RO
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  !insertmacro RequireClientClosed install
  ; An upgrade replaces the program files whole, so no module of the older version is left
  ; behind; the clerk's data lives elsewhere (%APPDATA%) and is not touched.
  RMDir /r "$INSTDIR\_internal"
  File /r "${BUNDLE_DIR}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\${APP_NAME}"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0
  CreateShortcut "$SMPROGRAMS\${APP_NAME}\卸载 ${APP_NAME}.lnk" "$INSTDIR\uninstall.exe"
  CreateShortcut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0

  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${APP_EXE}"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
SectionEnd

; --- the uninstaller ----------------------------------------------------------------------

Function un.onInit
  StrCpy $DeleteData "0"  ; a silent uninstall (/S) always keeps the data
FunctionEnd

Function un.DataPage
  !insertmacro MUI_HEADER_TEXT "是否保留数据" "卸载程序默认保留您的业务数据，重新安装后可继续使用。"
  nsDialogs::Create 1018
  Pop $0
  ${NSD_CreateLabel} 0 0 100% 48u "您的数据（待提交清册、影像资料、设置和日志）保存在：$\r$\n$APPDATA\gjj-desk\gjj-desk$\r$\n换电脑前请先在客户端中“备份数据”。"
  Pop $0
  ${NSD_CreateCheckbox} 0 56u 100% 12u "同时删除我的数据（不可恢复）"
  Pop $DeleteDataBox
  ${NSD_Uncheck} $DeleteDataBox
  nsDialogs::Show
FunctionEnd

Function un.DataPageLeave
  ${NSD_GetState} $DeleteDataBox $0
  ${If} $0 == ${BST_CHECKED}
    MessageBox MB_YESNO|MB_ICONEXCLAMATION|MB_DEFBUTTON2 "确定要删除全部数据吗？未提交的业务和影像资料将无法恢复。" IDYES +2
    Abort
    StrCpy $DeleteData "1"
  ${EndIf}
FunctionEnd

Section "Uninstall"
  SetShellVarContext current
  !insertmacro RequireClientClosed uninstall
  Delete "$DESKTOP\${APP_NAME}.lnk"
  RMDir /r "$SMPROGRAMS\${APP_NAME}"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINST_KEY}"
  ${If} $DeleteData == "1"
    RMDir /r "$APPDATA\gjj-desk\gjj-desk"
    RMDir "$APPDATA\gjj-desk"
  ${EndIf}
SectionEnd
