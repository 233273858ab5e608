# SPDX-License-Identifier: GPL-2.0
# kunit.py --qemu_config for arm64 (always TCG on an x86_64 host).
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='arm64',
			   kconfig='''
CONFIG_SERIAL_AMBA_PL011=y
CONFIG_SERIAL_AMBA_PL011_CONSOLE=y''',
			   qemu_arch='aarch64',
			   kernel_path='arch/arm64/boot/Image.gz',
			   # Huge pages for the hugetlb cases: one mapped page-cache page and
			   # its unshared copy, with room to spare.  vivid.allocators=1: dma_buf_mmap
			   # exports a videobuf2-dma-contig buffer from vivid.
			   # pci_stub.ids: with a device tree, a PCI device joins its
			   # IOMMU when a driver binds it; pci-stub binds edu.
			   kernel_command_line='console=ttyAMA0 hugepages=4 vivid.allocators=1 '
					       'pci_stub.ids=1234:11e8',
			   # An SMMUv3 in front of the PCIe host bridge and QEMU's edu
			   # device, which dma_buf_mmap drives through iommu-dma (the
			   # kernel options are in kunit/iommu-arm64.kunitconfig).
			   extra_qemu_params=['-machine', 'virt,iommu=smmuv3', '-device', 'edu',
					      '-cpu', 'cortex-a57',
					      '-accel', 'tcg', '-smp', '2', '-m', '2048'])
