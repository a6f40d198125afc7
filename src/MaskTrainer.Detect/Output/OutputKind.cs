namespace MaskTrainer.Detect.Output;

/// <summary>What --output writes, chosen by the file extension.</summary>
public enum OutputKind
{
    /// <summary>An image extension (<see cref="Imaging.ImageCodec.Extensions"/>): the annotated image (for --image input).</summary>
    Image,

    /// <summary>.mp4, .m4v, .mov (MPEG-4 "mp4v"), .avi (Motion JPEG): the annotated video (for --video and --camera).</summary>
    Video,
}
