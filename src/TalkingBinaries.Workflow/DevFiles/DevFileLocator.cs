namespace TalkingBinaries.Workflow.DevFiles;

/// <summary>Finds the DevFile: the seed's "recursive search", walking up from a directory to the root.</summary>
public static class DevFileLocator
{
    /// <summary>The nearest <c>DevFile</c> in <paramref name="startDirectory"/> or a parent; throws when there is none.</summary>
    public static string Find(string startDirectory)
    {
        var directory = new DirectoryInfo(Path.GetFullPath(startDirectory));
        for (var current = directory; current is not null; current = current.Parent)
        {
            var candidate = Path.Combine(current.FullName, DevFile.FileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DevFileException($"no {DevFile.FileName} in {directory.FullName} or any directory above it; create one (see docs/devfile.md) or pass -f FILE");
    }
}
