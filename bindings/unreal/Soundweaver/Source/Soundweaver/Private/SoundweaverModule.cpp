#include "SoundweaverModule.h"

#include "HAL/PlatformProcess.h"
#include "Interfaces/IPluginManager.h"
#include "Misc/Paths.h"

#include "soundweaver.h"

DEFINE_LOG_CATEGORY(LogSoundweaver);

void FSoundweaverModule::StartupModule()
{
#if PLATFORM_WINDOWS
	// soundweaver.dll is delay-loaded (Build.cs); load it from where RuntimeDependencies staged it
	// next to the binaries, or from the plugin's ThirdParty folder in the editor.
	const FString Candidates[] = {
		FPaths::Combine(FPlatformProcess::BaseDir(), TEXT("soundweaver.dll")),
		FPaths::Combine(IPluginManager::Get().FindPlugin(TEXT("Soundweaver"))->GetBaseDir(),
			TEXT("ThirdParty/Soundweaver/lib/Win64/soundweaver.dll")),
	};
	for (const FString& Path : Candidates)
	{
		if (FPaths::FileExists(Path) && (LibraryHandle = FPlatformProcess::GetDllHandle(*Path)) != nullptr)
		{
			break;
		}
	}
	if (!LibraryHandle)
	{
		UE_LOG(LogSoundweaver, Error, TEXT("soundweaver.dll not found: run bindings/unreal/stage_native.sh (see README)"));
		return;
	}
#endif
	const uint32 Version = sw_version();
	UE_LOG(LogSoundweaver, Log, TEXT("libsoundweaver %u.%u.%u loaded"), Version / 10000, (Version / 100) % 100, Version % 100);
	if (Version / 10000 != SW_VERSION_MAJOR)
	{
		UE_LOG(LogSoundweaver, Error, TEXT("libsoundweaver major version %u, the plugin was built against %d"), Version / 10000, SW_VERSION_MAJOR);
	}
}

void FSoundweaverModule::ShutdownModule()
{
	if (LibraryHandle)
	{
		FPlatformProcess::FreeDllHandle(LibraryHandle);
		LibraryHandle = nullptr;
	}
}

IMPLEMENT_MODULE(FSoundweaverModule, Soundweaver)
