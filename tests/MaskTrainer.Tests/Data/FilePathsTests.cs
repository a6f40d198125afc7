using MaskTrainer.Data;
using MaskTrainer.Tests.Imaging;
using MaskTrainer.Tests.TestSupport;

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
    public void A_hard_link_is_the_same_file_a_copy_is_not()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // told by the inode (statx), on Linux only
        }

        using var temp = new TempFolder();
        var photo = temp.File("a.jpg");
        File.WriteAllText(photo, "photo");
        var second = HardLink.Create(temp.File("b.jpg"), photo);
        var copy = temp.File("c.jpg");
        File.Copy(photo, copy);

        FilePaths.Same(second, photo).Should().BeTrue("two names of one file: writing either replaces the other's content");
        FilePaths.Same(copy, photo).Should().BeFalse("same bytes, another file");
        FilePaths.Same(temp.File("missing.jpg"), photo).Should().BeFalse();
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

    [Fact]
    public void Named_pipes_sockets_and_devices_are_told_from_regular_files_without_opening_them()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // named pipes are told apart by statx(2), on Linux only
        }

        using var temp = new TempFolder();
        var pipe = NamedPipe.Create(temp.File("pipe.jpg"));
        var socketPath = temp.File("socket.jpg");
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(socketPath));
        var regular = temp.File("photo.jpg");
        File.WriteAllText(regular, "");
        var linkToPipe = temp.File("link.jpg");
        File.CreateSymbolicLink(linkToPipe, pipe);

        new FileInfo(pipe).Attributes.Should().Be(FileAttributes.Normal, "what .NET says of a named pipe, hence the check");
        FilePaths.WhyNotRegularFile(pipe).Should().Be("a named pipe (FIFO), not a regular file");
        FilePaths.WhyNotRegularFile(linkToPipe).Should().Be("a named pipe (FIFO), not a regular file", "links are followed");
        FilePaths.WhyNotRegularFile(socketPath).Should().Be("a socket, not a regular file");
        FilePaths.WhyNotRegularFile("/dev/null").Should().Be("a character device, not a regular file");
        FilePaths.WhyNotRegularFile(regular).Should().BeNull();
        FilePaths.WhyNotRegularFile(temp.Path).Should().BeNull("a folder is for the caller to name");
        FilePaths.WhyNotRegularFile(temp.File("missing.jpg")).Should().BeNull("and so is a missing file");
    }

    [Fact]
    public void A_listed_name_that_is_not_utf8_is_named_as_such_not_as_missing()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // checked with statx(2), on Linux only; Windows names are UTF-16, macOS's UTF-8
        }

        using var temp = new TempFolder();
        var listed = RawFileName.CopyAsLatin1(typeof(FilePathsTests).Assembly.Location, temp.Path, "café.jpg");
        var real = temp.File("real\uFFFD.jpg"); // a file really named with U+FFFD opens fine
        File.WriteAllText(real, "");

        File.Exists(listed).Should().BeFalse("what .NET makes of the name opens nothing, hence the check");
        FilePaths.WhyNotRegularFile(listed).Should().Be(FilePaths.NotUtf8Name);
        FilePaths.WhyNotRegularFile(real).Should().BeNull();
    }
}
