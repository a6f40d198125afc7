using MaskTrainer.Model;
using MaskTrainer.Data;

namespace MaskTrainer.Synthesis;

/// <summary>What a <see cref="MaskSynthesizer.Run"/> did. Immutable.</summary>
public sealed record MaskSynthesisReport
{
    /// <summary>Image files found in the faces folder.</summary>
    public required int Images { get; init; }

    /// <summary>Files that could not be decoded (listed in <see cref="Unreadable"/>).</summary>
    public required IReadOnlyList<SkippedItem> Unreadable { get; init; }

    /// <summary>
    /// Files in the faces folder without an image extension (an iPhone's .heic, notes), each with
    /// why (<see cref="Imaging.ImageCodec.NotAnImageReason"/>), sorted: set aside, as training sets them aside.
    /// </summary>
    public IReadOnlyList<SkippedItem> NotImages { get; init; } = [];

    /// <summary>Readable images in which the detector found no face.</summary>
    public required int ImagesWithoutFaces { get; init; }

    /// <summary>Faces the detector found, masked or not.</summary>
    public required int FacesFound { get; init; }

    /// <summary>Faces written as a bare crop to without_mask/ plus masked crop(s) to with_mask/.</summary>
    public required int Pairs { get; init; }

    /// <summary>Masked crops written (Pairs x <see cref="MaskSynthesisOptions.MasksPerFace"/>).</summary>
    public required int MaskedImages { get; init; }

    /// <summary>Faces skipped, per reason (every reason present, zero included).</summary>
    public required IReadOnlyDictionary<SkipReason, int> Skipped { get; init; }

    /// <summary>Masks drawn per style.</summary>
    public required IReadOnlyDictionary<MaskStyle, int> Styles { get; init; }

    /// <summary>The contact sheet PNG, or null when no pair was written or sheets are off.</summary>
    public string? ContactSheetPath { get; init; }

    /// <summary>
    /// Files that were in without_mask/ or with_mask/ before the run and that it did not write
    /// again (an earlier run's pairs, say): kept, but training on the output folder reads them too.
    /// </summary>
    public IReadOnlyList<string> EarlierFiles { get; init; } = [];

    /// <summary>Images in with_mask/ once the run is done: its masked crops and the <see cref="EarlierFiles"/> there.</summary>
    public int WithMaskImages { get; init; }

    /// <summary>Images in without_mask/ once the run is done: its bare crops and the <see cref="EarlierFiles"/> there.</summary>
    public int WithoutMaskImages { get; init; }

    /// <summary>
    /// Pairs written under another name because a file of the user's (one no synth-masks run
    /// wrote) had the name: that file is kept as it was. An earlier run's own files are written again.
    /// </summary>
    public int UserFilesKept { get; init; }

    /// <summary>Wall-clock time of the run.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Total faces skipped.</summary>
    public int SkippedFaces => Skipped.Values.Sum();
}
