@echo off
rem tta-obs launcher for Windows, in a release archive (bin\tta-obs.cmd) next to lib\tta-obs.jar.
rem Java: a runtime bundled in runtime\, else JAVA_HOME, else java on PATH. On Java 19+ the JVM keeps
rem a class-data archive in the user's cache directory and records it again by itself when the jar or
rem the Java changes (-XX:+AutoCreateSharedArchive); older Javas ignore that option.
setlocal
set "TTA_HOME=%~dp0.."
set "TTA_JAR=%TTA_HOME%\lib\tta-obs.jar"
if not exist "%TTA_JAR%" (
  echo tta-obs: %TTA_JAR% is missing; unpack the whole release archive. 1>&2
  exit /b 1
)
set "TTA_JAVA=java"
if exist "%TTA_HOME%\runtime\bin\java.exe" (
  set "TTA_JAVA=%TTA_HOME%\runtime\bin\java.exe"
) else if defined JAVA_HOME if exist "%JAVA_HOME%\bin\java.exe" set "TTA_JAVA=%JAVA_HOME%\bin\java.exe"
where "%TTA_JAVA%" >nul 2>nul || if not exist "%TTA_JAVA%" (
  echo tta-obs: no Java found. Install a JDK 17 or newer or set JAVA_HOME. 1>&2
  exit /b 1
)
set "TTA_CACHE=%LOCALAPPDATA%\tta-obs\cache"
if not exist "%TTA_CACHE%\startup" mkdir "%TTA_CACHE%\startup" >nul 2>nul
"%TTA_JAVA%" -XX:+IgnoreUnrecognizedVMOptions -XX:+AutoCreateSharedArchive "-XX:SharedArchiveFile=%TTA_CACHE%\startup\tta-obs-dynamic.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off "-Dtta.cache-dir=%TTA_CACHE%" "@%TTA_HOME%\lib\jvm.options" %TTA_OBS_JAVA_OPTS% -jar "%TTA_JAR%" %*
exit /b %ERRORLEVEL%
