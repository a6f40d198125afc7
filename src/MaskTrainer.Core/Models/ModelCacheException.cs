using MaskTrainer.Data;

namespace MaskTrainer.Models;

/// <summary>
/// The model cache cannot be written: a folder without permission, read-only or immutable, or a
/// file where a folder of its path should be. The message is one line naming the folder and how to
/// choose another one. Raised only when something has to be written there (a download, a converted
/// graph), so a read-only cache that already holds everything still works.
/// </summary>
public sealed class ModelCacheException : ModelException
{
    private ModelCacheException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Runs <paramref name="write"/>, turning the file system's errors into this exception naming <paramref name="folder"/>.</summary>
    internal static T Writing<T>(string folder, Func<T> write)
    {
        try
        {
            return write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw For(folder, e);
        }
    }

    /// <summary>The exception for a failed write in <paramref name="folder"/> (the cache or a folder in it).</summary>
    internal static ModelCacheException For(string folder, Exception e)
    {
        string why = FilePaths.FileInTheWay(Path.Combine(folder, "x")) is { } file ? $"{file} is a file, not a folder" : FilePaths.WhyNotWritten(e, folder);
        return new ModelCacheException(
            $"model cache {folder} cannot be written ({why}); choose another cache with XDG_CACHE_HOME=DIR (it goes to DIR/masktrainer/models)", e);
    }
}
