// Links the prebuilt native core (bindings/native -> libsoundweaver) staged under
// ThirdParty/Soundweaver by bindings/unreal/stage_native.sh (see README.md).
using System.IO;
using UnrealBuildTool;

public class Soundweaver : ModuleRules
{
    public Soundweaver(ReadOnlyTargetRules Target) : base(Target)
    {
        PCHUsage = PCHUsageMode.UseExplicitOrSharedPCHs;
        PublicDependencyModuleNames.AddRange(new string[] { "Core", "CoreUObject", "Engine" });
        PrivateDependencyModuleNames.AddRange(new string[] { "AudioMixerCore", "Projects" });

        string ThirdParty = Path.Combine(PluginDirectory, "ThirdParty", "Soundweaver");
        PublicIncludePaths.Add(Path.Combine(ThirdParty, "include"));

        if (Target.Platform == UnrealTargetPlatform.Win64)
        {
            string Lib = Path.Combine(ThirdParty, "lib", "Win64");
            PublicAdditionalLibraries.Add(Path.Combine(Lib, "soundweaver.lib"));
            PublicDelayLoadDLLs.Add("soundweaver.dll");
            RuntimeDependencies.Add("$(BinaryOutputDir)/soundweaver.dll", Path.Combine(Lib, "soundweaver.dll"));
        }
        else if (Target.Platform == UnrealTargetPlatform.Linux)
        {
            string Lib = Path.Combine(ThirdParty, "lib", "Linux", "x86_64-unknown-linux-gnu");
            PublicAdditionalLibraries.Add(Path.Combine(Lib, "libsoundweaver.so"));
            RuntimeDependencies.Add("$(BinaryOutputDir)/libsoundweaver.so", Path.Combine(Lib, "libsoundweaver.so"));
        }
        else if (Target.Platform == UnrealTargetPlatform.Mac)
        {
            string Lib = Path.Combine(ThirdParty, "lib", "Mac");
            PublicAdditionalLibraries.Add(Path.Combine(Lib, "libsoundweaver.dylib"));
            RuntimeDependencies.Add("$(BinaryOutputDir)/libsoundweaver.dylib", Path.Combine(Lib, "libsoundweaver.dylib"));
        }
    }
}
