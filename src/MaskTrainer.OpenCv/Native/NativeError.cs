using System.Runtime.InteropServices;

namespace MaskTrainer.OpenCv.Native;

/// <summary>Turns a shim status into an <see cref="OpenCvException"/> carrying OpenCV's message.</summary>
internal static class NativeError
{
    /// <summary>Throws when <paramref name="status"/> is not 0; <paramref name="context"/> prefixes the message.</summary>
    public static void Check(int status, string? context = null)
    {
        if (status != 0)
        {
            throw Create(status, context);
        }
    }

    /// <summary>
    /// The exception for a failed call; must run on the calling thread right after the call,
    /// because the shim keeps the message per thread.
    /// </summary>
    public static OpenCvException Create(int status, string? context = null)
    {
        var message = LastMessage();
        var code = status == -1 ? NativeMethods.mt_last_error_code() : OpenCvException.GenericErrorCode;
        return new OpenCvException(context is null ? message : $"{context}: {message}", code);
    }

    /// <summary>The message of the last failed call on this thread.</summary>
    public static string LastMessage()
    {
        var text = Marshal.PtrToStringUTF8(NativeMethods.mt_last_error());
        return string.IsNullOrEmpty(text) ? "unknown OpenCV error" : text;
    }
}
