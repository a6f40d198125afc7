using MaskTrainer.Data;

namespace MaskTrainer.Train.Commands;

/// <summary>
/// Run-time checks of folder options before any work, so a file given where a folder is meant is
/// named as such instead of surfacing as .NET's "could not find a part of the path" or "already exists".
/// </summary>
internal static class OutputFolders
{
    /// <summary>
    /// Throws (a one-line <see cref="DatasetException"/>) when <paramref name="folder"/>, or the nearest of
    /// its parents that exists, is a file: the folder could not be created there.
    /// </summary>
    public static void CheckCanCreate(string option, string folder, string purpose)
    {
        CheckNotFile(option, folder, purpose);
        if (FilePaths.FileInTheWay(folder) is { } file)
        {
            throw new DatasetException($"{option}: cannot create '{folder}': {file} is a file, not a folder");
        }
    }

    /// <summary>Throws when an input folder option names a file (a missing folder is left to the reader, which says so).</summary>
    public static void CheckNotFile(string option, string folder, string purpose)
    {
        if (File.Exists(folder))
        {
            throw new DatasetException($"{option}: '{folder}' is a file, not a folder ({purpose})");
        }
    }
}
