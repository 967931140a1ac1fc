#include "SoundweaverSoundWave.h"

#include "AudioMixerTypes.h"
#include "HAL/PlatformProcess.h"

USoundweaverSoundWave::USoundweaverSoundWave(const FObjectInitializer& ObjectInitializer)
	: Super(ObjectInitializer)
{
	bProcedural = true;
	bLooping = false;
	bCanProcessAsync = true;  // generate on the audio render thread
	Duration = INDEFINITELY_LOOPING_DURATION;
	SoundGroup = SOUNDGROUP_Default;
	NumChannels = 2;
	SetSampleRate(48000);
}

void USoundweaverSoundWave::Bind(sw_client* InClient, int32 InSampleRate, int32 InChannels)
{
	NumChannels = InChannels;
	SetSampleRate(InSampleRate);
	Client.store(InClient, std::memory_order_release);
}

void USoundweaverSoundWave::Unbind()
{
	Client.store(nullptr, std::memory_order_seq_cst);
	// A read that loaded the old pointer finishes within one callback (it never blocks).
	while (ReadersInside.load(std::memory_order_seq_cst) != 0)
	{
		FPlatformProcess::YieldThread();
	}
}

int32 USoundweaverSoundWave::OnGeneratePCMAudio(TArray<uint8>& OutAudio, int32 NumSamples)
{
	const int32 Channels = FMath::Max(1, NumChannels);
	const int32 Frames = NumSamples / Channels;
	const int32 Bytes = Frames * Channels * static_cast<int32>(sizeof(float));
	OutAudio.Reset(Bytes);  // keeps the allocation: no allocation after the first callbacks
	OutAudio.AddUninitialized(Bytes);
	float* Out = reinterpret_cast<float*>(OutAudio.GetData());

	ReadersInside.fetch_add(1, std::memory_order_seq_cst);
	sw_client* C = Client.load(std::memory_order_seq_cst);
	if (C)
	{
		sw_client_read(C, Out, static_cast<size_t>(Frames));  // fills silence on underrun
	}
	else
	{
		FMemory::Memzero(Out, Bytes);
	}
	ReadersInside.fetch_sub(1, std::memory_order_seq_cst);
	return Frames * Channels;
}

Audio::EAudioMixerStreamDataFormat::Type USoundweaverSoundWave::GetGeneratedPCMDataFormat() const
{
	return Audio::EAudioMixerStreamDataFormat::Float;
}
