using MaskTrainer.Data;
using MaskTrainer.Tests.Imaging;

namespace MaskTrainer.Tests.Data;

public sealed class FilePathsTests
{
    [Fact]
    public void A_path_through_a_linked_folder_or_to_a_linked_file_is_the_same_file()
    {
        using var temp = new TempFolder();
        var clips = Directory.CreateDirectory(temp.File("clips")).FullName;
        var video = Path.Combine(clips, "a.mp4");
        File.WriteAllText(video, "");
        var linkedFolder = temp.File("link");
        Directory.CreateSymbolicLink(linkedFolder, clips);
        var linkedFile = temp.File("b.mp4");
        File.CreateSymbolicLink(linkedFile, video);

        FilePaths.RealPath(Path.Combine(linkedFolder, "a.mp4")).Should().Be(video);
        FilePaths.Same(Path.Combine(linkedFolder, "a.mp4"), video).Should().BeTrue("the folder is a link to the file's folder");
        FilePaths.Same(linkedFile, video).Should().BeTrue();
        FilePaths.Same(Path.Combine(linkedFolder, "new.mp4"), Path.Combine(clips, "new.mp4")).Should().BeTrue("a file not written yet, through the link");
        FilePaths.Same(temp.File("other.mp4"), video).Should().BeFalse();
        FilePaths.IsInside(Path.Combine(linkedFolder, "x", "m.zip"), clips).Should().BeTrue();
        FilePaths.IsInside(temp.File("clips2/m.zip"), clips).Should().BeFalse("a sibling whose name starts the same is not inside");
    }

    [Fact]
    public void A_broken_or_looping_link_is_kept_as_written()
    {
        using var temp = new TempFolder();
        var broken = temp.File("broken.mp4");
        File.CreateSymbolicLink(broken, temp.File("nowhere.mp4"));
        var loop = temp.File("loop");
        Directory.CreateSymbolicLink(loop, loop);

        FilePaths.RealPath(broken).Should().Be(temp.File("nowhere.mp4"), "a link resolves to its target even when that does not exist yet");
        var act = () => FilePaths.RealPath(Path.Combine(loop, "x"));
        act.Should().NotThrow();
    }

    [Fact]
    public void A_folder_reached_again_through_a_link_is_walked_once()
    {
        using var temp = new TempFolder();
        var root = Directory.CreateDirectory(temp.File("faces")).FullName;
        var sub = Directory.CreateDirectory(Path.Combine(root, "sub")).FullName;
        File.WriteAllText(Path.Combine(root, "a.jpg"), "");
        File.WriteAllText(Path.Combine(sub, "b.jpg"), "");
        Directory.CreateSymbolicLink(Path.Combine(sub, "up"), root); // a loop
        Directory.CreateSymbolicLink(Path.Combine(root, "again"), sub); // a second way to sub

        var files = FilePaths.FilesUnder(root, new EnumerationOptions { RecurseSubdirectories = true });

        files.Select(Path.GetFileName).Order(StringComparer.Ordinal).Should().Equal("a.jpg", "b.jpg");
    }
}
