Console.WriteLine("usage: Warden.LoadGen --target http://127.0.0.1:5080");
