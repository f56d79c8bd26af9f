// Drives comfyui-sim with @stable-canvas/comfyui-client, a third-party ComfyUI client:
// queue an AnimateDiff workflow, wait for it over the WebSocket, download the video.
// Usage: node thirdparty_client.mjs <comfyui-sim> <work dir>
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import WebSocket from "ws";
import { Client } from "@stable-canvas/comfyui-client";

const [simPath, workDir] = process.argv.slice(2);
const fail = (msg) => { console.error(`FAIL: ${msg}`); process.exitCode = 1; };

function startSimulator() {
    const dataDir = mkdtempSync(join(workDir, "sim-"));
    const sim = spawn(simPath, ["--port", "0", "--data-dir", dataDir, "--step-ms", "5"],
                      { stdio: ["ignore", "pipe", "inherit"] });
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("simulator did not start in 20 s")), 20000);
        sim.on("exit", (code) => reject(new Error(`simulator exited early (${code})`)));
        createInterface({ input: sim.stdout }).once("line", (line) => {
            clearTimeout(timer);
            const m = /listening on http:\/\/([^\s/]+)/.exec(line);
            m ? resolve({ sim, host: m[1] }) : reject(new Error(`unexpected first line: ${line}`));
        });
    });
}

const workflow = {
    "1": { class_type: "CheckpointLoaderSimple", inputs: { ckpt_name: "v1-5-pruned-emaonly.safetensors" } },
    "2": { class_type: "ADE_LoadAnimateDiffModel", inputs: { model_name: "mm_sd_v15_v2.ckpt" } },
    "3": { class_type: "ADE_ApplyAnimateDiffModelSimple", inputs: { motion_model: ["2", 0] } },
    "4": { class_type: "ADE_UseEvolvedSampling", inputs: { model: ["1", 0], beta_schedule: "autoselect", m_models: ["3", 0] } },
    "5": { class_type: "CLIPTextEncode", inputs: { text: "a red fox running through snow", clip: ["1", 1] } },
    "6": { class_type: "CLIPTextEncode", inputs: { text: "blurry", clip: ["1", 1] } },
    "7": { class_type: "EmptyLatentImage", inputs: { width: 128, height: 96, batch_size: 8 } },
    "8": { class_type: "KSampler", inputs: { model: ["4", 0], seed: 1234, steps: 4, cfg: 7.5, sampler_name: "euler",
           scheduler: "normal", positive: ["5", 0], negative: ["6", 0], latent_image: ["7", 0], denoise: 1.0 } },
    "9": { class_type: "VAEDecode", inputs: { samples: ["8", 0], vae: ["1", 2] } },
    "10": { class_type: "VHS_VideoCombine", inputs: { images: ["9", 0], frame_rate: 8, loop_count: 0,
            filename_prefix: "thirdparty", format: "video/h264-mp4", pix_fmt: "yuv420p", crf: 19,
            save_metadata: true, trim_to_audio: false, pingpong: false, save_output: true } },
};

const { sim, host } = await startSimulator();
const client = new Client({ api_host: host, WebSocket, fetch });
try {
    const stats = await client.getSystemStats();
    if (!stats?.system?.comfyui_version) fail("system_stats has no comfyui_version");
    client.connect();
    const progress = [];
    const videos = [];
    const result = await client.enqueue(workflow, {
        disable_random_seed: true,
        timeout_ms: 60000,
        progress: (p) => progress.push(p),
        resolver: (acc, output) => {
            for (const g of output?.gifs ?? []) videos.push(g);
            return acc;
        },
    });
    if (!result.prompt_id) fail("no prompt_id in the result");
    if (progress.length === 0) fail("no progress messages reached the client");
    if (videos.length !== 1) fail(`expected one video output, got ${videos.length}`);
    const video = videos[0];
    const response = await fetch(client.viewURL(video.filename, video.subfolder, video.type));
    if (response.status !== 200) fail(`/view answered ${response.status}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.subarray(4, 8).toString("latin1") !== "ftyp") fail("the download is not an MP4");
    const out = join(workDir, "thirdparty.mp4");
    writeFileSync(out, bytes);
    console.log(`prompt ${result.prompt_id}: ${progress.length} progress messages, ` +
                `${video.filename} (${bytes.length} bytes) -> ${out}`);
    if (readFileSync(out).length !== bytes.length) fail("short write");
} catch (e) {
    fail(e?.stack ?? String(e));
} finally {
    client.close();
    sim.kill("SIGTERM");
}
if (!process.exitCode) console.log("1 passed, 0 failed");
