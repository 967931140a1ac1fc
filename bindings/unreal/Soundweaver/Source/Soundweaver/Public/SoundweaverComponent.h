// USoundweaverComponent: one Soundweaver session on an actor. Settings in the details panel;
// SendCue / SetParameter / SetState / SetSwitch from Blueprint or C++; plan updates, notices and
// connection changes as Blueprint events on the game thread. Playback goes through a child
// UAudioComponent playing a USoundweaverSoundWave, so attenuation, submixes and effects apply.
// All session logic (stream, jitter buffer, acks, resume) lives in the native core.
#pragma once

#include "Components/SceneComponent.h"
#include "CoreMinimal.h"

#include "soundweaver.h"

#include "SoundweaverComponent.generated.h"

class UAudioComponent;
class USoundweaverSoundWave;

UENUM(BlueprintType)
enum class ESoundweaverState : uint8
{
	Idle = 0,
	Connecting = 1,
	Streaming = 2,
	Reconnecting = 3,
	Ended = 4,
	Failed = 5
};

USTRUCT(BlueprintType)
struct FSoundweaverPlannedSound
{
	GENERATED_BODY()
	UPROPERTY(BlueprintReadOnly, Category = "Soundweaver") FString Id;
	UPROPERTY(BlueprintReadOnly, Category = "Soundweaver") FString Caption;
	UPROPERTY(BlueprintReadOnly, Category = "Soundweaver") FString SoundClass;
	UPROPERTY(BlueprintReadOnly, Category = "Soundweaver") FString CueId;
	UPROPERTY(BlueprintReadOnly, Category = "Soundweaver") FString Emotion;
	UPROPERTY(BlueprintReadOnly, Category = "Soundweaver") FString Scene;
	UPROPERTY(BlueprintReadOnly, Category = "Soundweaver") FString Variant;
	UPROPERTY(BlueprintReadOnly, Category = "Soundweaver") float StartSeconds = 0.f;
	UPROPERTY(BlueprintReadOnly, Category = "Soundweaver") float DurationSeconds = 0.f;
	UPROPERTY(BlueprintReadOnly, Category = "Soundweaver") float Intensity = 0.f;
	UPROPERTY(BlueprintReadOnly, Category = "Soundweaver") float Distance = 0.f;
	UPROPERTY(BlueprintReadOnly, Category = "Soundweaver") int32 Layer = 0;  // sw_layer
	UPROPERTY(BlueprintReadOnly, Category = "Soundweaver") int32 State = 0;  // sw_event_state
	UPROPERTY(BlueprintReadOnly, Category = "Soundweaver") bool bLate = false;
};

USTRUCT(BlueprintType)
struct FSoundweaverPlan
{
	GENERATED_BODY()
	UPROPERTY(BlueprintReadOnly, Category = "Soundweaver") int64 Revision = 0;
	UPROPERTY(BlueprintReadOnly, Category = "Soundweaver") FString Reason;
	UPROPERTY(BlueprintReadOnly, Category = "Soundweaver") FString CueId;
	UPROPERTY(BlueprintReadOnly, Category = "Soundweaver") FString Scene;
	UPROPERTY(BlueprintReadOnly, Category = "Soundweaver") FString Emotion;
	UPROPERTY(BlueprintReadOnly, Category = "Soundweaver") TArray<FSoundweaverPlannedSound> Sounds;
};

USTRUCT(BlueprintType)
struct FSoundweaverStats
{
	GENERATED_BODY()
	UPROPERTY(BlueprintReadOnly, Category = "Soundweaver") int64 FramesPlayed = 0;
	UPROPERTY(BlueprintReadOnly, Category = "Soundweaver") int64 BufferedFrames = 0;
	UPROPERTY(BlueprintReadOnly, Category = "Soundweaver") int64 Underruns = 0;
	UPROPERTY(BlueprintReadOnly, Category = "Soundweaver") int64 UnderrunFrames = 0;
	UPROPERTY(BlueprintReadOnly, Category = "Soundweaver") int64 Reconnects = 0;
	UPROPERTY(BlueprintReadOnly, Category = "Soundweaver") int64 PlanRevision = 0;
};

DECLARE_DYNAMIC_MULTICAST_DELEGATE_OneParam(FSoundweaverPlanEvent, const FSoundweaverPlan&, Plan);
DECLARE_DYNAMIC_MULTICAST_DELEGATE_ThreeParams(FSoundweaverNoticeEvent, const FString&, Code, const FString&, Message, const FString&, CueId);
DECLARE_DYNAMIC_MULTICAST_DELEGATE_TwoParams(FSoundweaverConnectionEvent, ESoundweaverState, State, const FString&, Message);

UCLASS(ClassGroup = (Audio), meta = (BlueprintSpawnableComponent), hidecategories = (Object, LOD, Physics, Collision))
class SOUNDWEAVER_API USoundweaverComponent : public USceneComponent
{
	GENERATED_BODY()

public:
	USoundweaverComponent();

	// ---- settings -------------------------------------------------------------------------
	/** host:port of the Soundweaver server. */
	UPROPERTY(EditAnywhere, BlueprintReadWrite, Category = "Soundweaver|Server") FString Server = TEXT("127.0.0.1:50051");
	UPROPERTY(EditAnywhere, BlueprintReadWrite, Category = "Soundweaver|Server") bool bUseTls = false;
	/** Sent as "authorization: Bearer <key>". */
	UPROPERTY(EditAnywhere, BlueprintReadWrite, Category = "Soundweaver|Server") FString ApiKey;
	/** 16000..48000; the audio mixer resamples to its own rate. */
	UPROPERTY(EditAnywhere, BlueprintReadWrite, Category = "Soundweaver|Format", meta = (ClampMin = "16000", ClampMax = "48000")) int32 SampleRate = 48000;
	UPROPERTY(EditAnywhere, BlueprintReadWrite, Category = "Soundweaver|Format", meta = (ClampMin = "1", ClampMax = "2")) int32 Channels = 2;
	/** 16-bit PCM on the wire (half the bandwidth); playback is float either way. */
	UPROPERTY(EditAnywhere, BlueprintReadWrite, Category = "Soundweaver|Format") bool bWire16Bit = false;
	UPROPERTY(EditAnywhere, BlueprintReadWrite, Category = "Soundweaver|Format", meta = (ClampMin = "5", ClampMax = "200")) int32 ChunkMs = 20;
	/** Audio kept in flight beyond what has played: a cue is heard within about this + one chunk. */
	UPROPERTY(EditAnywhere, BlueprintReadWrite, Category = "Soundweaver|Latency", meta = (ClampMin = "20", ClampMax = "2000")) int32 LookaheadMs = 200;
	UPROPERTY(EditAnywhere, BlueprintReadWrite, Category = "Soundweaver|Session") int64 Seed = 0;
	UPROPERTY(EditAnywhere, BlueprintReadWrite, Category = "Soundweaver|Session") FString Engine;
	UPROPERTY(EditAnywhere, BlueprintReadWrite, Category = "Soundweaver|Session") FString Scene;
	UPROPERTY(EditAnywhere, BlueprintReadWrite, Category = "Soundweaver|Session", meta = (MultiLine = true)) FString Narrative;
	UPROPERTY(EditAnywhere, BlueprintReadWrite, Category = "Soundweaver|Session") bool bAutoStart = true;

	// ---- events (game thread) --------------------------------------------------------------
	UPROPERTY(BlueprintAssignable, Category = "Soundweaver") FSoundweaverPlanEvent OnPlanUpdated;
	UPROPERTY(BlueprintAssignable, Category = "Soundweaver") FSoundweaverNoticeEvent OnNotice;
	UPROPERTY(BlueprintAssignable, Category = "Soundweaver") FSoundweaverConnectionEvent OnConnectionChanged;

	// ---- control ----------------------------------------------------------------------------
	/** Connects, starts the session (non-blocking) and starts playback. */
	UFUNCTION(BlueprintCallable, Category = "Soundweaver") bool StartSession();
	/** Ends the session (waits up to TimeoutMs for the server) and stops playback. */
	UFUNCTION(BlueprintCallable, Category = "Soundweaver") void EndSession(const FString& Reason, int32 TimeoutMs = 500);
	/** A narrative cue. AtSeconds < 0: as soon as possible, else the session time to start at. */
	UFUNCTION(BlueprintCallable, Category = "Soundweaver") bool SendCue(const FString& Text, const FString& CueId, float AtSeconds = -1.f);
	UFUNCTION(BlueprintCallable, Category = "Soundweaver") bool SetParameter(const FString& Name, float Value);
	/** A global state (weather=storm); an empty value removes it. */
	UFUNCTION(BlueprintCallable, Category = "Soundweaver") bool SetState(const FString& Name, const FString& Value);
	/** A per-object variant (surface=snow); an empty value removes it. */
	UFUNCTION(BlueprintCallable, Category = "Soundweaver") bool SetSwitch(const FString& Name, const FString& Value);
	UFUNCTION(BlueprintPure, Category = "Soundweaver") ESoundweaverState GetSessionState() const;
	UFUNCTION(BlueprintPure, Category = "Soundweaver") FSoundweaverStats GetStats() const;
	UFUNCTION(BlueprintPure, Category = "Soundweaver") FString GetLastError() const;

	//~ UActorComponent
	virtual void BeginPlay() override;
	virtual void EndPlay(const EEndPlayReason::Type EndPlayReason) override;
	virtual void TickComponent(float DeltaTime, ELevelTick TickType, FActorComponentTickFunction* ThisTickFunction) override;

private:
	bool Check(sw_result Result, const TCHAR* What) const;
	void StartPlaybackIfReady();
	void DispatchEvent(const sw_event& Event);
	void DestroyClient();

	sw_client* Client = nullptr;
	bool bPlaying = false;

	UPROPERTY(Transient) TObjectPtr<USoundweaverSoundWave> Wave;
	UPROPERTY(Transient) TObjectPtr<UAudioComponent> Audio;
};
