// A minimal stand-in for the few UnityEngine types the Soundweaver package uses, so the package
// compiles and runs under plain Mono (no Unity) in CI. Not shipped: Tests~ is ignored by Unity.
using System;
using System.Collections.Generic;

namespace UnityEngine
{
    public class Object
    {
        public string name = "";
    }

    public class GameObject : Object
    {
        readonly List<Component> components = new List<Component>();

        public GameObject(string name = "GameObject") { this.name = name; }

        public T AddComponent<T>() where T : Component, new()
        {
            var c = new T();
            c.gameObject = this;
            components.Add(c);
            return c;
        }

        public T GetComponent<T>() where T : class
        {
            foreach (var c in components)
            {
                var t = c as T;
                if (t != null) return t;
            }
            return null;
        }
    }

    public class Component : Object
    {
        public GameObject gameObject;
        public T GetComponent<T>() where T : class { return gameObject == null ? null : gameObject.GetComponent<T>(); }
    }

    public class Behaviour : Component
    {
        public bool enabled = true;
    }

    public class MonoBehaviour : Behaviour { }

    public class AudioSource : Behaviour
    {
        public bool isPlaying { get; private set; }
        public void Play() { isPlaying = true; }
        public void Stop() { isPlaying = false; }
    }

    public static class AudioSettings
    {
        public static int outputSampleRate = 48000;
        public static int dspBufferLength = 1024;
        public static void GetDSPBufferSize(out int bufferLength, out int numBuffers)
        {
            bufferLength = dspBufferLength;
            numBuffers = 4;
        }
    }

    public static class Debug
    {
        public static readonly List<string> Errors = new List<string>();
        public static readonly List<string> Warnings = new List<string>();
        public static void Log(object message) { Console.WriteLine("[unity] " + message); }
        public static void LogWarning(object message)
        {
            lock (Warnings) Warnings.Add(message.ToString());
            Console.WriteLine("[unity warning] " + message);
        }
        public static void LogError(object message)
        {
            lock (Errors) Errors.Add(message.ToString());
            Console.WriteLine("[unity error] " + message);
        }
    }

    public static class Mathf
    {
        public static float Min(float a, float b) { return a < b ? a : b; }
        public static float Max(float a, float b) { return a > b ? a : b; }
    }

    public enum KeyCode { Space, T, G, R }

    public static class Input
    {
        public static bool GetKeyDown(KeyCode key) { return false; }
    }

    [AttributeUsage(AttributeTargets.Field)]
    public class HeaderAttribute : Attribute { public HeaderAttribute(string header) { } }
    [AttributeUsage(AttributeTargets.Field)]
    public class TooltipAttribute : Attribute { public TooltipAttribute(string tooltip) { } }
    [AttributeUsage(AttributeTargets.Field)]
    public class RangeAttribute : Attribute { public RangeAttribute(float min, float max) { } }
    [AttributeUsage(AttributeTargets.Field)]
    public class TextAreaAttribute : Attribute { }
    [AttributeUsage(AttributeTargets.Field)]
    public class SerializeField : Attribute { }
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
    public class RequireComponent : Attribute { public RequireComponent(Type type) { } }
    [AttributeUsage(AttributeTargets.Class)]
    public class DisallowMultipleComponent : Attribute { }
    [AttributeUsage(AttributeTargets.Class)]
    public class AddComponentMenu : Attribute { public AddComponentMenu(string menu) { } }
}
