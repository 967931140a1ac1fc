#include "SoundweaverComponent.h"

#include "Components/AudioComponent.h"
#include "SoundweaverModule.h"
#include "SoundweaverSoundWave.h"

namespace
{
FString FromUtf8(const char* S) { return S ? FString(UTF8_TO_TCHAR(S)) : FString(); }
}

USoundweaverComponent::USoundweaverComponent()
{
	PrimaryComponentTick.bCanEverTick = true;
	PrimaryComponentTick.bStartWithTickEnabled = true;
}

void USoundweaverComponent::BeginPlay()
{
	Super::BeginPlay();
	if (bAutoStart)
	{
		StartSession();
	}
}

void USoundweaverComponent::EndPlay(const EEndPlayReason::Type EndPlayReason)
{
	EndSession(TEXT("end play"), 500);
	Super::EndPlay(EndPlayReason);
}

bool USoundweaverComponent::Check(sw_result Result, const TCHAR* What) const
{
	if (Result == SW_OK)
	{
		return true;
	}
	UE_LOG(LogSoundweaver, Warning, TEXT("%s: %s: %s"), What, UTF8_TO_TCHAR(sw_result_string(Result)), UTF8_TO_TCHAR(sw_last_error()));
	return false;
}

bool USoundweaverComponent::StartSession()
{
	if (Client)
	{
		return true;
	}
	// The config points at these UTF-8 buffers only until sw_client_create returns (it copies).
	const FTCHARToUTF8 ServerUtf8(*Server), ApiKeyUtf8(*ApiKey), EngineUtf8(*Engine), SceneUtf8(*Scene), NarrativeUtf8(*Narrative);
	sw_config Config;
	sw_config_init(&Config);
	Config.server = ServerUtf8.Get();
	Config.use_tls = bUseTls ? 1 : 0;
	Config.api_key = ApiKey.IsEmpty() ? nullptr : ApiKeyUtf8.Get();
	Config.sample_rate = static_cast<uint32_t>(SampleRate);
	Config.channels = static_cast<uint32_t>(Channels);
	Config.encoding = bWire16Bit ? SW_ENCODING_PCM_S16LE : SW_ENCODING_PCM_F32LE;
	Config.chunk_ms = static_cast<uint32_t>(ChunkMs);
	Config.lookahead_ms = static_cast<uint32_t>(LookaheadMs);
	Config.seed = static_cast<uint64_t>(Seed);
	Config.engine = EngineUtf8.Get();
	Config.scene = SceneUtf8.Get();
	Config.narrative = NarrativeUtf8.Get();
	if (!Check(sw_client_create(&Config, &Client), TEXT("Soundweaver create")))
	{
		Client = nullptr;
		return false;
	}
	if (!Check(sw_client_start(Client, 0), TEXT("Soundweaver start")))
	{
		DestroyClient();
		return false;
	}
	return true;
}

void USoundweaverComponent::StartPlaybackIfReady()
{
	if (bPlaying || !Client)
	{
		return;
	}
	sw_format Format;
	if (sw_client_get_format(Client, &Format) != SW_OK)
	{
		return;  // not started yet
	}
	Wave = NewObject<USoundweaverSoundWave>(this);
	Wave->Bind(Client, static_cast<int32>(Format.sample_rate), static_cast<int32>(Format.channels));
	Audio = NewObject<UAudioComponent>(this);
	Audio->bAutoActivate = false;
	Audio->bAutoDestroy = false;
	Audio->SetSound(Wave);
	Audio->RegisterComponent();
	Audio->AttachToComponent(this, FAttachmentTransformRules::KeepRelativeTransform);  // spatialised here
	Audio->Play();
	bPlaying = true;
}

void USoundweaverComponent::TickComponent(float DeltaTime, ELevelTick TickType, FActorComponentTickFunction* ThisTickFunction)
{
	Super::TickComponent(DeltaTime, TickType, ThisTickFunction);
	if (!Client)
	{
		return;
	}
	StartPlaybackIfReady();
	sw_event Event;
	for (int32 Budget = 64; Budget > 0 && sw_client_poll_event(Client, &Event) == SW_OK; --Budget)
	{
		DispatchEvent(Event);
	}
}

void USoundweaverComponent::DispatchEvent(const sw_event& Event)
{
	if (Event.type == SW_EVENT_PLAN && Event.plan)
	{
		FSoundweaverPlan Plan;
		Plan.Revision = static_cast<int64>(Event.plan->revision);
		Plan.Reason = FromUtf8(Event.plan->reason);
		Plan.CueId = FromUtf8(Event.plan->cue_id);
		Plan.Scene = FromUtf8(Event.plan->scene);
		Plan.Emotion = FromUtf8(Event.plan->emotion);
		for (size_t I = 0; I < Event.plan->event_count; ++I)
		{
			const sw_sound_event& S = Event.plan->events[I];
			FSoundweaverPlannedSound& Out = Plan.Sounds.AddDefaulted_GetRef();
			Out.Id = FromUtf8(S.id);
			Out.Caption = FromUtf8(S.caption);
			Out.SoundClass = FromUtf8(S.sound_class);
			Out.CueId = FromUtf8(S.cue_id);
			Out.Emotion = FromUtf8(S.emotion);
			Out.Scene = FromUtf8(S.scene);
			Out.Variant = FromUtf8(S.variant);
			Out.StartSeconds = static_cast<float>(S.start_s);
			Out.DurationSeconds = static_cast<float>(S.duration_s);
			Out.Intensity = S.intensity;
			Out.Distance = S.distance;
			Out.Layer = S.layer;
			Out.State = S.state;
			Out.bLate = S.late != 0;
		}
		OnPlanUpdated.Broadcast(Plan);
	}
	else if (Event.type == SW_EVENT_NOTICE && Event.notice)
	{
		const FString Code = FromUtf8(Event.notice->code), Message = FromUtf8(Event.notice->message);
		if (Event.notice->level >= SW_NOTICE_WARNING)
		{
			UE_LOG(LogSoundweaver, Warning, TEXT("[%s] %s"), *Code, *Message);
		}
		OnNotice.Broadcast(Code, Message, FromUtf8(Event.notice->cue_id));
	}
	else if (Event.type == SW_EVENT_CONNECTION && Event.connection)
	{
		const FString Message = FromUtf8(Event.connection->message);
		if (Event.connection->state == SW_STATE_FAILED)
		{
			UE_LOG(LogSoundweaver, Error, TEXT("session failed: %s"), *Message);
		}
		OnConnectionChanged.Broadcast(static_cast<ESoundweaverState>(Event.connection->state), Message);
	}
}

void USoundweaverComponent::EndSession(const FString& Reason, int32 TimeoutMs)
{
	if (!Client)
	{
		return;
	}
	const sw_state State = sw_client_get_state(Client);
	if (State == SW_STATE_STREAMING || State == SW_STATE_RECONNECTING)
	{
		sw_client_end(Client, TCHAR_TO_UTF8(*Reason), static_cast<uint32_t>(FMath::Max(0, TimeoutMs)));
	}
	DestroyClient();
}

void USoundweaverComponent::DestroyClient()
{
	if (Audio)
	{
		Audio->Stop();
		Audio->DestroyComponent();
		Audio = nullptr;
	}
	if (Wave)
	{
		Wave->Unbind();  // the audio thread is out of sw_client_read after this
		Wave = nullptr;
	}
	bPlaying = false;
	sw_client_destroy(Client);
	Client = nullptr;
}

bool USoundweaverComponent::SendCue(const FString& Text, const FString& CueId, float AtSeconds)
{
	if (!Client)
	{
		return Check(SW_ERR_INVALID_STATE, TEXT("SendCue (no session)"));
	}
	return Check(sw_client_send_cue(Client, CueId.IsEmpty() ? nullptr : TCHAR_TO_UTF8(*CueId), TCHAR_TO_UTF8(*Text), AtSeconds),
		TEXT("SendCue"));
}

bool USoundweaverComponent::SetParameter(const FString& Name, float Value)
{
	return Client ? Check(sw_client_set_parameter(Client, TCHAR_TO_UTF8(*Name), Value), TEXT("SetParameter"))
				  : Check(SW_ERR_INVALID_STATE, TEXT("SetParameter (no session)"));
}

bool USoundweaverComponent::SetState(const FString& Name, const FString& Value)
{
	return Client ? Check(sw_client_set_state(Client, TCHAR_TO_UTF8(*Name), TCHAR_TO_UTF8(*Value)), TEXT("SetState"))
				  : Check(SW_ERR_INVALID_STATE, TEXT("SetState (no session)"));
}

bool USoundweaverComponent::SetSwitch(const FString& Name, const FString& Value)
{
	return Client ? Check(sw_client_set_switch(Client, TCHAR_TO_UTF8(*Name), TCHAR_TO_UTF8(*Value)), TEXT("SetSwitch"))
				  : Check(SW_ERR_INVALID_STATE, TEXT("SetSwitch (no session)"));
}

ESoundweaverState USoundweaverComponent::GetSessionState() const
{
	return Client ? static_cast<ESoundweaverState>(sw_client_get_state(Client)) : ESoundweaverState::Idle;
}

FSoundweaverStats USoundweaverComponent::GetStats() const
{
	FSoundweaverStats Out;
	if (!Client)
	{
		return Out;
	}
	sw_stats S;
	S.struct_size = sizeof(S);
	if (sw_client_get_stats(Client, &S) == SW_OK)
	{
		Out.FramesPlayed = static_cast<int64>(S.frames_played);
		Out.BufferedFrames = static_cast<int64>(S.buffered_frames);
		Out.Underruns = static_cast<int64>(S.underruns);
		Out.UnderrunFrames = static_cast<int64>(S.underrun_frames);
		Out.Reconnects = static_cast<int64>(S.reconnects);
		Out.PlanRevision = static_cast<int64>(S.plan_revision);
	}
	return Out;
}

FString USoundweaverComponent::GetLastError() const
{
	if (!Client)
	{
		return FString();
	}
	char Buf[1024] = {0};
	sw_client_copy_error(Client, Buf, sizeof(Buf));
	return FromUtf8(Buf);
}
