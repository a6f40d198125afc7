using MaskTrainer.Model;

namespace MaskTrainer.Detect.Inference;

/// <summary>
/// Loads the --model file, telling a file that changed while it was read (a new model copied over
/// it, training writing it) from a damaged one: the load reads it more than once (ML.NET and the
/// zip's checksums), so a file replaced meanwhile fails as if damaged, though the file on disk is fine.
/// </summary>
internal static class ModelFileLoad
{
    /// <param name="path">--model as given (the zip, or a folder holding it): the messages name it.</param>
    /// <param name="threads">ONNX Runtime threads for the backbone.</param>
    /// <param name="load">The load itself (<see cref="MaskModel.Load(string, int)"/>; another in tests).</param>
    public static MaskModel Load(string path, int threads, Func<string, int, MaskModel>? load = null)
    {
        load ??= MaskModel.Load;
        var file = MaskModel.Exists(path);
        var before = Stamp.Of(file);
        try
        {
            return load(path, threads);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException && Stamp.Of(file) != before)
        {
            throw new ModelFileException(path, "the file changed while it was being read (replaced, or still being written); run again once it is complete", e);
        }
    }

    /// <summary>What tells a file's versions apart without reading it: whether it exists, its size and its last write time.</summary>
    private readonly record struct Stamp(bool Exists, long Length, DateTime LastWrite)
    {
        public static Stamp Of(string file)
        {
            try
            {
                var info = new FileInfo(file);
                return info.Exists ? new Stamp(true, info.Length, info.LastWriteTimeUtc) : default;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return default;
            }
        }
    }
}
