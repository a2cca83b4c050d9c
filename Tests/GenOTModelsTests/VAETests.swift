import Foundation
import GenOTFiles
import GenOTModels
import GenOTNN
import GenOTTensor
import GenOTTestSupport
import XCTest

final class VAETests: XCTestCase {
    func testShapesAndLayouts() {
        let vae = VAE(latentDim: 6, seed: 1)
        let (images, _) = SyntheticImages.bars(count: 5, seed: 2)
        let (mean, logVariance) = vae.encode(images)
        XCTAssertEqual(mean.shape, [5, 6])
        XCTAssertEqual(logVariance.shape, [5, 6])
        XCTAssertEqual(vae.decodeLogits(mean).shape, [5, 28, 28, 1])
        // The batched, no-gradient API: every accepted layout, any batch size.
        let nhwc = vae.encodeMean(images: images, batchSize: 2)
        XCTAssertEqual(nhwc.shape, [5, 6])
        assertClose(nhwc, mean, rtol: 1e-5, atol: 1e-6)
        assertClose(vae.encodeMean(images: images.reshaped([5, 1, 28, 28])), nhwc)
        assertClose(vae.encodeMean(images: images.reshaped([5, 28, 28])), nhwc)
        XCTAssertFalse(nhwc.requiresGrad)
        let decoded = vae.decode(latents: nhwc, batchSize: 3)
        XCTAssertEqual(decoded.shape, [5, 28, 28])
        XCTAssertTrue(decoded.storage.allSatisfy { $0 >= 0 && $0 <= 1 })
        XCTAssertEqual(vae.encodeMean(images: Tensor.zeros([0, 28, 28, 1])).shape, [0, 6])
        XCTAssertEqual(vae.parameterCount, 32 * 16 + 32 + 64 * 512 + 64 + 3136 * 256 + 256 + 256 * 12 + 12
                       + 6 * 256 + 256 + 256 * 3136 + 3136 + 64 * 16 * 32 + 32 + 32 * 16 + 1)
    }

    func testLossFallsOverAFewSteps() {
        let vae = VAE(latentDim: 4, seed: 3)
        let (images, _) = SyntheticImages.bars(count: 16, seed: 4)
        var adam = Adam(learningRate: 1e-3)
        var random = SeededRandom(seed: 5)
        var losses: [Float] = []
        for _ in 0..<12 {
            let objective = vae.negativeELBO(images: images, noise: random.normal([16, 4]))
            XCTAssertEqual(objective.loss.scalarValue,
                           (objective.reconstruction.scalarValue + objective.kl.scalarValue) / 16, accuracy: 1e-2)
            losses.append(objective.loss.scalarValue)
            let parameters = vae.parameters
            adam.step(parameters, gradients: gradients(of: objective.loss, wrt: parameters.map(\.tensor)))
        }
        // 784 pixels of BCE start near 784·log 2 ≈ 543 per image.
        XCTAssertGreaterThan(losses[0], 400)
        XCTAssertLessThan(losses.last!, 0.8 * losses[0], "losses \(losses)")
    }

    func testKLWeightScalesOnlyTheKLTerm() {
        let vae = VAE(latentDim: 4, seed: 3)
        let (images, _) = SyntheticImages.bars(count: 8, seed: 4)
        var random = SeededRandom(seed: 5)
        let noise = random.normal([8, 4])
        let plain = vae.negativeELBO(images: images, noise: noise)
        let weighted = vae.negativeELBO(images: images, noise: noise, klWeight: 3)
        XCTAssertEqual(weighted.reconstruction.scalarValue, plain.reconstruction.scalarValue)
        XCTAssertEqual(weighted.kl.scalarValue, plain.kl.scalarValue)
        XCTAssertGreaterThan(plain.kl.scalarValue, 0)
        XCTAssertEqual(weighted.loss.scalarValue,
                       (plain.reconstruction.scalarValue + 3 * plain.kl.scalarValue) / 8, accuracy: 1e-2)
        // The KL's gradient is scaled too: the decoder's is unchanged, the encoder's head moves.
        let head = vae.encoderHead.weight, decoder = vae.decoderHidden.weight
        let g1 = gradients(of: plain.loss, wrt: [head, decoder]), g3 = gradients(of: weighted.loss, wrt: [head, decoder])
        assertClose(g3[1], g1[1], rtol: 1e-5, atol: 1e-6)
        XCTAssertGreaterThan(zip(g3[0].storage, g1[0].storage).map { abs($0 - $1) }.max()!, 1e-4)
    }

    func testSaveLoadRoundTripGivesIdenticalOutputs() throws {
        let folder = try makeTemporaryFolder(self)
        let url = folder.appendingPathComponent("vae.safetensors")
        let vae = VAE(latentDim: 5, seed: 6)
        try vae.save(to: url, metadata: ["note": "test"])
        let loaded = try VAE.load(from: url, latentDim: 5)
        let (images, _) = SyntheticImages.bars(count: 3, seed: 7)
        XCTAssertEqual(loaded.encodeMean(images: images).storage, vae.encodeMean(images: images).storage)
        var random = SeededRandom(seed: 8)
        let z = random.normal([3, 5])
        XCTAssertEqual(loaded.decode(latents: z).storage, vae.decode(latents: z).storage)
        XCTAssertEqual(try Safetensors.read(from: url).metadata["note"], "test")
        XCTAssertEqual(try VAE.load(from: url).latentDim, 5)
    }

    func testMismatchedCheckpointsGiveErrorsNamingTheFile() throws {
        let folder = try makeTemporaryFolder(self)
        let url = folder.appendingPathComponent("small.safetensors")
        try VAE(latentDim: 8).save(to: url)
        XCTAssertThrowsError(try VAE.load(from: url, latentDim: 16)) { error in
            let text = "\(error)"
            XCTAssertEqual((error as? FileError)?.kind, .mismatch)
            XCTAssertTrue(text.contains("small.safetensors") && text.contains("latentDim 16") && text.contains("8"), text)
        }
        XCTAssertThrowsError(try Classifier.load(from: url)) { error in
            XCTAssertEqual((error as? FileError)?.kind, .mismatch)
            XCTAssertTrue("\(error)".contains("small.safetensors"), "\(error)")
        }
        // Right metadata, wrong tensor shape: the persistence layer names file and tensor.
        let vae = VAE(latentDim: 8)
        var tensors = vae.parameters
        tensors[0] = (tensors[0].name, Tensor.zeros([1, 2]))
        let broken = folder.appendingPathComponent("broken.safetensors")
        try Safetensors.write(tensors, metadata: ["model": "vae", "model.latentDim": "8"], to: broken)
        XCTAssertThrowsError(try VAE.load(from: broken)) { error in
            XCTAssertEqual((error as? FileError)?.kind, .wrongShape)
            XCTAssertTrue("\(error)".contains("broken.safetensors") && "\(error)".contains(tensors[0].name), "\(error)")
        }
        let missing = folder.appendingPathComponent("nothing-here.safetensors")
        XCTAssertThrowsError(try VAE.load(from: missing)) { error in
            XCTAssertTrue("\(error)".contains("nothing-here.safetensors"), "\(error)")
        }
    }
}
