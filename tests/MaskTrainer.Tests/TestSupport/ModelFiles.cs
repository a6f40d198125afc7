using System.IO.Compression;
using MaskTrainer.Model;

namespace MaskTrainer.Tests;

/// <summary>Copies of a trained model whose MaskTrainer metadata (the JSON entry of the zip) a test has edited.</summary>
internal static class ModelFiles
{
    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/> with its metadata JSON replaced by <paramref name="edit"/>(JSON); returns <paramref name="destination"/>.</summary>
    public static string CopyWithMetadata(string source, string destination, Func<string, string> edit)
    {
        File.Copy(source, destination);
        using var zip = ZipFile.Open(destination, ZipArchiveMode.Update);
        var entry = zip.GetEntry(ModelMetadata.EntryName) ?? throw new InvalidDataException($"{source}: no {ModelMetadata.EntryName} entry");
        string json;
        using (var r = new StreamReader(entry.Open()))
        {
            json = r.ReadToEnd();
        }

        entry.Delete();
        using var w = new StreamWriter(zip.CreateEntry(ModelMetadata.EntryName).Open());
        w.Write(edit(json));
        return destination;
    }
}
