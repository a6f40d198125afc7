Console.WriteLine("train");
