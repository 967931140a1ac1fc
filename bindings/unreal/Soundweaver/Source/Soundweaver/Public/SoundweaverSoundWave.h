// A procedural sound wave fed by the native client's jitter buffer. The audio render thread calls
// OnGeneratePCMAudio, which reads float frames straight into the engine's buffer: no lock, no
// allocation once the buffer has grown to the callback size, no UObject access.
#pragma once

#include <atomic>

#include "CoreMinimal.h"
#include "Sound/SoundWaveProcedural.h"

#include "soundweaver.h"

#include "SoundweaverSoundWave.generated.h"

UCLASS(Transient)
class SOUNDWEAVER_API USoundweaverSoundWave : public USoundWaveProcedural
{
	GENERATED_BODY()

public:
	USoundweaverSoundWave(const FObjectInitializer& ObjectInitializer);

	/** Game thread, before playback: the session to play and its format. */
	void Bind(sw_client* InClient, int32 InSampleRate, int32 InChannels);

	/** Game thread: stop reading the client. Returns once the audio thread is out of sw_client_read,
	 *  so the client may be destroyed right after. */
	void Unbind();

	//~ USoundWaveProcedural
	virtual int32 OnGeneratePCMAudio(TArray<uint8>& OutAudio, int32 NumSamples) override;
	virtual Audio::EAudioMixerStreamDataFormat::Type GetGeneratedPCMDataFormat() const override;

private:
	std::atomic<sw_client*> Client{nullptr};
	std::atomic<int32> ReadersInside{0};
};
