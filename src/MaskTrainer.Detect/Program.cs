Console.WriteLine("detect");
